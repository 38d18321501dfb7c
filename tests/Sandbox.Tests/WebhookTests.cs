using System.Net;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class WebhookTests
{
    [Fact]
    public async Task DeferredAnswer_CreatesLoadingOriginal_ThatAPatchReplaces()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5,"data":{"flags":64}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);

        var sent = await sandbox.SendCommandAsync(bot);
        var deferred = sandbox.State.GetOriginal(sent.Token)!;
        using var patch = await api.PatchAsync(
            $"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original",
            Sandboxes.Json("""{"content":"Now playing **x**","allowed_mentions":{"parse":[]}}"""),
            TestContext.Token);
        var body = await patch.ReadJsonAsync();
        var edited = sandbox.State.GetOriginal(sent.Token)!;

        Assert.Equal(5, sent.ResponseType);
        Assert.True(deferred.IsLoading);
        Assert.True(deferred.IsEphemeral);
        Assert.Equal("", deferred.Content);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("Now playing **x**", body.GetProperty("content").GetString());
        Assert.Equal(deferred.Id, edited.Id);
        Assert.Equal("Now playing **x**", edited.Content);
        Assert.False(edited.IsLoading);
        Assert.True(edited.IsEphemeral);
        Assert.Equal(0, edited.AllowedMentions!.Value.GetProperty("parse").GetArrayLength());
    }

    [Fact]
    public async Task MessageAnswer_CreatesOriginalWithItsContent_ReadableOverGet()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"Pong!"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);

        var sent = await sandbox.SendCommandAsync(bot);
        using var get = await api.GetAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", TestContext.Token);

        Assert.Equal("Pong!", sandbox.State.GetOriginal(sent.Token)!.Content);
        Assert.Equal("Pong!", (await get.ReadJsonAsync()).GetProperty("content").GetString());
        Assert.Equal("Pong!", Assert.Single(sandbox.State.ChannelMessages(SandboxDefaults.ChannelId)).Content);
    }

    [Fact]
    public async Task UnknownToken_Is404UnknownWebhook()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox, asBot: false);

        using var response = await api.PatchAsync($"webhooks/{sandbox.ApplicationId}/not-a-token/messages/@original", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(10015, body.GetProperty("code").GetInt32());
        Assert.Equal("Unknown Webhook", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task TokenOlderThan15Minutes_Is401InvalidWebhookToken()
    {
        var clock = Sandboxes.NewClock();
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(clock, bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);

        clock.Advance(TimeSpan.FromMinutes(14));
        using var fresh = await api.GetAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", TestContext.Token);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await api.PatchAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", Sandboxes.Json("""{"content":"late"}"""), TestContext.Token);
        var body = await expired.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(50027, body.GetProperty("code").GetInt32());
        Assert.Equal("Invalid Webhook Token", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task FollowUp_IsCreatedAndCanBeEditedAndDeletedById()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"first"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);
        var webhook = $"webhooks/{sandbox.ApplicationId}/{sent.Token}";

        using var created = await api.PostAsync(webhook, Sandboxes.Json("""{"content":"second"}"""), TestContext.Token);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetString();
        using var edited = await api.PatchAsync($"{webhook}/messages/{id}", Sandboxes.Json("""{"content":"second, edited"}"""), TestContext.Token);
        var followUp = Assert.Single(sandbox.State.FollowUps(sent.Token));
        using var deleted = await api.DeleteAsync($"{webhook}/messages/{id}", TestContext.Token);
        using var gone = await api.GetAsync($"{webhook}/messages/{id}", TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("second, edited", followUp.Content);
        Assert.Equal(1, followUp.EditCount);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(10008, (await gone.ReadJsonAsync()).GetProperty("code").GetInt32());
        Assert.Empty(sandbox.State.FollowUps(sent.Token));
        Assert.Equal("first", sandbox.State.GetOriginal(sent.Token)!.Content);
    }

    [Fact]
    public async Task DeleteOriginal_RemovesIt()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"bye"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);

        using var deleted = await api.DeleteAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", TestContext.Token);
        using var again = await api.GetAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", TestContext.Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Null(sandbox.State.GetOriginal(sent.Token));
    }

    [Fact]
    public async Task EmptyFollowUp_Is400CannotSendAnEmptyMessage()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);

        using var response = await api.PostAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}", Sandboxes.Json("{}"), TestContext.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(50006, (await response.ReadJsonAsync()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task CallbackEndpoint_RecordsTheInitialResponse_Once()
    {
        // A bot that uses the callback endpoint answers Discord's POST with 202 and no body.
        await using var bot = await FakeBot.StartAsync((_, _) => Task.FromResult(Microsoft.AspNetCore.Http.Results.StatusCode(202)));
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);
        var callback = $"interactions/{sent.InteractionId}/{sent.Token}/callback";

        using var first = await api.PostAsync(callback + "?with_response=true", Sandboxes.Json("""{"type":4,"data":{"content":"via callback"}}"""), TestContext.Token);
        using var second = await api.PostAsync(callback, Sandboxes.Json("""{"type":4,"data":{"content":"again"}}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("via callback", (await first.ReadJsonAsync()).GetProperty("resource").GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(40060, (await second.ReadJsonAsync()).GetProperty("code").GetInt32());
        Assert.Equal(InitialResponseChannel.CallbackEndpoint, sandbox.State.GetInteraction(sent.Token)!.InitialResponseVia);
        Assert.Equal("via callback", sandbox.State.GetOriginal(sent.Token)!.Content);
    }

    [Fact]
    public async Task FollowUpRightAfterADefer_EditsTheLoadingMessage_LikeDiscordsDeprecatedBehaviour()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);

        using var response = await api.PostAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}", Sandboxes.Json("""{"content":"done"}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(sandbox.State.FollowUps(sent.Token));
        Assert.Equal("done", sandbox.State.GetOriginal(sent.Token)!.Content);
        Assert.False(sandbox.State.GetOriginal(sent.Token)!.IsLoading);
    }

    [Fact]
    public async Task PatchThatArrivesBeforeTheDeferIsRead_WaitsForIt_InsteadOfFailing()
    {
        SandboxServer? sandbox = null;
        Task<HttpResponseMessage>? patch = null;
        await using var bot = await FakeBot.StartAsync(async (request, context) =>
        {
            // A fast bot: its worker edits @original while the defer is still on its way back.
            var token = System.Text.Json.JsonDocument.Parse(request.Body).RootElement.GetProperty("token").GetString();
            var client = Sandboxes.Api(sandbox!, asBot: false);
            patch = client.PatchAsync($"webhooks/{sandbox!.ApplicationId}/{token}/messages/@original", Sandboxes.Json("""{"content":"fast"}"""));
            await Task.Delay(300);
            return Microsoft.AspNetCore.Http.Results.Content("""{"type":5}""", "application/json");
        });
        sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        await using var running = sandbox;

        var sent = await sandbox.SendCommandAsync(bot);
        using var response = await patch!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fast", sandbox.State.GetOriginal(sent.Token)!.Content);
    }
}
