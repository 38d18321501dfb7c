using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Interactions;

public sealed class ScheduleInteractionTests : IAsyncLifetime
{
    private const string Target = "900000000000000003";

    private FunctionTestHost _host = null!;

    public async Task InitializeAsync() => _host = await FunctionTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Create_AnswersType9WithTheModal()
    {
        var modal = await OpenModalAsync();

        Assert.Equal(9, modal.GetProperty("type").GetInt32());
        var data = modal.GetProperty("data");
        Assert.Equal("Scheduled post", data.GetProperty("title").GetString());
        Assert.InRange(data.GetProperty("custom_id").GetString()!.Length, 1, 100);
        Assert.StartsWith("schedule:create:" + Target + ":", data.GetProperty("custom_id").GetString(), StringComparison.Ordinal);
        var row = Assert.Single(data.GetProperty("components").EnumerateArray());
        Assert.Equal(1, row.GetProperty("type").GetInt32());
        var input = Assert.Single(row.GetProperty("components").EnumerateArray());
        Assert.Equal(
            """{"type":4,"custom_id":"content","style":2,"label":"Message","max_length":2000,"required":true}""",
            input.GetRawText());
        Assert.Empty(_host.ScheduledPosts.Posts);
    }

    [Fact]
    public async Task ModalSubmit_CreatesThePostAndConfirmsEphemerally()
    {
        var customId = (await OpenModalAsync()).GetProperty("data").GetProperty("custom_id").GetString()!;

        using var response = await _host.SendSignedAsync(ModalSubmit(customId, "Standup at 10 @everyone", permissions: "8192"));

        var answer = await ReadJsonAsync(response);
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Equal(64, answer.GetProperty("data").GetProperty("flags").GetInt32());
        Assert.Empty(answer.GetProperty("data").GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
        var post = Assert.Single(_host.ScheduledPosts.Posts);
        Assert.Equal(
            $"Scheduled post `{post.Id}` for 2026-12-01 09:30 (UTC) in <#{Target}>, repeats weekly.",
            answer.GetProperty("data").GetProperty("content").GetString());
        Assert.Equal("Standup at 10 @everyone", post.Content);
        Assert.Equal(900000000000000001UL, post.GuildId);
        Assert.Equal(80351110224678912UL, post.CreatedBy);
        Assert.Equal(RecurrenceKind.Weekly, post.Recurrence.Kind);
    }

    [Fact]
    public async Task Create_WithManageMessagesHereButNotInTheTargetChannel_IsRefusedInsteadOfTheModal()
    {
        // member.permissions (this channel) says Administrator; resolved.channels says View Channel and Send Messages only.
        using var response = await _host.SendSignedAsync(CreateCommand(permissions: "8", targetPermissions: "3072"));

        var answer = await ReadJsonAsync(response);
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Equal(ScheduleCommand.MissingChannelPermission(900000000000000003), answer.GetProperty("data").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ModalSubmit_WhenStorageIsTooSlowToAnswerInline_IsQueuedAndAnsweredDeferred()
    {
        var queue = new RecordingDeferredQueue();
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IDeferredCommandQueue>(queue));
        using (var opened = await host.SendSignedAsync(CreateCommand(permissions: "0", targetPermissions: "11264")))
        {
            var customId = (await ReadJsonAsync(opened)).GetProperty("data").GetProperty("custom_id").GetString()!;
            var held = new TaskCompletionSource();
            host.ScheduledPosts.HoldCreates = held.Task;

            var sending = host.SendSignedAsync(ModalSubmit(customId, "Standup at 10", permissions: "0"));
            for (var step = 0; step < 100 && !sending.IsCompleted; step++)
            {
                // The fake clock moves only when told: past the inline timeout, in small steps.
                host.Time.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Yield();
                await Task.Delay(1);
            }

            using var response = await sending;
            Assert.Equal("""{"type":5,"data":{"flags":64}}""", await response.Content.ReadAsStringAsync());
            var queued = Assert.Single(queue.Enqueued);
            Assert.Equal(1312345678901234568UL, queued.InteractionId);
            var submission = ModalSubmission.FromInvocation(queued.Invocation);
            Assert.NotNull(submission);
            Assert.Equal(customId, submission.CustomId);
            Assert.Equal("Standup at 10", submission.Values["content"]);
            Assert.Equal([5UL, 6UL], submission.MemberRoleIds);
            Assert.Empty(host.ScheduledPosts.Posts);
        }
    }

    [Fact]
    public async Task ModalSubmit_ThatNoCommandOwns_IsNoLongerInUse()
    {
        using var response = await _host.SendSignedAsync(ModalSubmit("poll:vote:1", "text", permissions: "8"));

        var answer = await ReadJsonAsync(response);
        Assert.Equal(4, answer.GetProperty("type").GetInt32());
        Assert.Equal("This button or form is no longer in use.", answer.GetProperty("data").GetProperty("content").GetString());
    }

    private async Task<JsonElement> OpenModalAsync()
    {
        using var response = await _host.SendSignedAsync(CreateCommand(permissions: "0", targetPermissions: "11264"));
        return await ReadJsonAsync(response);
    }

    // Target spelled out: a run of JSON closing braces cannot sit in an interpolated raw string.
    private static string CreateCommand(string permissions, string targetPermissions) =>
        Interaction(
            2,
            permissions,
            """{"id":"1","name":"schedule","type":1,"options":[{"type":1,"name":"create","options":[{"type":7,"name":"channel","value":"900000000000000003"},{"type":3,"name":"when","value":"2026-12-01 09:30"},{"type":3,"name":"repeat","value":"weekly"}]}],"resolved":{"channels":{"900000000000000003":{"id":"900000000000000003","type":0,"name":"announcements","permissions":"""
            + JsonSerializer.Serialize(targetPermissions) + "}}}}");

    private static string ModalSubmit(string customId, string text, string permissions) =>
        Interaction(
            5,
            permissions,
            $$"""{"custom_id":"{{customId}}","components":[{"type":1,"components":[{"type":4,"custom_id":"content","value":""" + JsonSerializer.Serialize(text) + "}]}]}");

    private static string Interaction(int type, string permissions, string data) =>
        $$"""{"type":{{type}},"id":"1312345678901234568","application_id":"100000000000000001","guild_id":"900000000000000001","channel_id":"900000000000000002","token":"dG9rZW4","version":1,"locale":"en-GB","member":{"user":{"id":"80351110224678912","username":"nelly"},"roles":["5","6"],"permissions":"{{permissions}}"},"data":""" + data + "}";

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
