using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Json;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.RateLimiting;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.State;

namespace Serverless.Discord.Tests;

/// <summary>The typed client's endpoints against the Sandbox over real HTTP, and tolerant reading of Discord's answers.</summary>
public sealed class RestEndpointTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(ClientHarness.Start);
    private SandboxServer _sandbox = null!;

    public async Task InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = _clock });

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    [Fact]
    public async Task CreateMessage_SameNonceTwice_PostsOnce()
    {
        using var harness = Harness();
        var message = new MessageCreatePayload { Content = "hello", Nonce = "post-7-1", EnforceNonce = true };

        var first = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, message));
        var second = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, message));

        Assert.Equal(first.Id, second.Id);
        Assert.Single(_sandbox.State.ChannelMessages(SandboxDefaults.ChannelId));
        Assert.All(_sandbox.Calls.Where(c => c.Method == "POST"), call => Assert.True(call.HasAuthorization));
    }

    [Fact]
    public async Task CurrentApplication_NamesItsOwner_AndATeamsMembersAreTheOwners()
    {
        using var harness = Harness();

        var application = await harness.DriveAsync(harness.Client.GetCurrentApplicationAsync());
        Assert.Equal(SandboxDefaults.ApplicationId, application.Id);
        Assert.Equal([SandboxDefaults.UserId], DiscordApplicationOwnerLookup.Owners(application));

        await using var teamOwned = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, ApplicationTeamMemberIds = [501, 502] });
        using var teamHarness = new ClientHarness(clock: _clock, apiBaseUrl: teamOwned.ApiBaseUrl, botToken: teamOwned.BotToken);
        var team = await teamHarness.DriveAsync(teamHarness.Client.GetCurrentApplicationAsync());
        Assert.NotNull(team.Team);
        Assert.Equal([501UL, 502UL], DiscordApplicationOwnerLookup.Owners(team));
    }

    [Fact]
    public async Task EditThenDeleteMessage_ChangesThenRemovesIt()
    {
        using var harness = Harness();
        var posted = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, new MessageCreatePayload { Content = "v1" }));

        var edited = await harness.DriveAsync(harness.Client.EditMessageAsync(SandboxDefaults.ChannelId, posted.Id, new MessageEditPayload { Content = "v2" }));
        await harness.DriveAsync(harness.Client.DeleteMessageAsync(SandboxDefaults.ChannelId, posted.Id));
        var gone = await Assert.ThrowsAsync<DiscordApiException>(() =>
            harness.DriveAsync(harness.Client.EditMessageAsync(SandboxDefaults.ChannelId, posted.Id, new MessageEditPayload { Content = "v3" })));

        Assert.Equal("v2", edited.Content);
        Assert.Equal(DiscordErrorCodes.UnknownMessage, gone.ErrorCode);
    }

    [Fact]
    public async Task CreateAndEditMessage_OverDiscordsLimit_AreShortenedAndAccepted()
    {
        using var harness = Harness();

        var posted = await harness.DriveAsync(harness.Client.CreateMessageAsync(SandboxDefaults.ChannelId, new MessageCreatePayload { Content = new string('a', 2500) }));
        var edited = await harness.DriveAsync(harness.Client.EditMessageAsync(SandboxDefaults.ChannelId, posted.Id, new MessageEditPayload { Content = new string('b', 4000) }));

        Assert.Equal(new string('a', 1999) + "…", posted.Content);
        Assert.Equal(new string('b', 1999) + "…", edited.Content);
    }

    [Fact]
    public async Task GatewayBot_ReadsTheSessionStartLimit()
    {
        using var harness = Harness();

        var gateway = await harness.DriveAsync(harness.Client.GetGatewayBotAsync());

        Assert.StartsWith("ws", gateway.Url, StringComparison.Ordinal);
        Assert.True(gateway.Shards >= 1);
        Assert.NotNull(gateway.SessionStartLimit);
    }

    [Fact]
    public void Samples_WithUnknownFields_AreRead()
    {
        var message = JsonSerializer.Deserialize(Sample("message.json"), DiscordJsonContext.Default.MessagePayload)!;
        var gateway = JsonSerializer.Deserialize(Sample("gateway-bot.json"), DiscordJsonContext.Default.GatewayBotPayload)!;

        Assert.Equal(1334567890123456789UL, message.Id);
        Assert.Equal(100000000000000020UL, message.ChannelId);
        Assert.Equal(4096, (int)message.Flags!.Value);
        Assert.Equal(9, gateway.Shards);
        Assert.Equal(14400000, gateway.SessionStartLimit!.ResetAfter);
        Assert.Equal(1, gateway.SessionStartLimit.MaxConcurrency);
    }

    [Fact]
    public async Task ChannelGuildAndMember_AreReadFromTheSandbox()
    {
        using var harness = Harness();
        _sandbox.State.SetChannel(SandboxDefaults.ChannelId, overwrites: [SandboxOverwrite.ForRole(SandboxDefaults.GuildId, deny: 1UL << 11)]);
        _sandbox.State.SetRole(SandboxDefaults.GuildId, 777, 1UL << 11);
        _sandbox.State.SetBotRoles(SandboxDefaults.GuildId, 777);

        var channel = await harness.DriveAsync(harness.Client.GetChannelAsync(SandboxDefaults.ChannelId));
        var guild = await harness.DriveAsync(harness.Client.GetGuildAsync(SandboxDefaults.GuildId));
        var member = await harness.DriveAsync(harness.Client.GetGuildMemberAsync(SandboxDefaults.GuildId, _sandbox.BotUserId));
        var unknownMember = await Assert.ThrowsAsync<DiscordApiException>(() =>
            harness.DriveAsync(harness.Client.GetGuildMemberAsync(SandboxDefaults.GuildId, 42)));

        Assert.Equal(SandboxDefaults.GuildId, channel.GuildId);
        var overwrite = Assert.Single(channel.PermissionOverwrites!);
        Assert.Equal((SandboxDefaults.GuildId, 0, "0", "2048"), (overwrite.Id, overwrite.Type, overwrite.Allow, overwrite.Deny));
        Assert.Equal(SandboxDefaults.UserId, guild.OwnerId);
        Assert.Equal(
            [SandboxDefaults.GuildId, SandboxDefaults.ModeratorRoleId, .. Enumerable.Range(0, SandboxDefaults.HighestPermissionBit + 1).Select(SandboxDefaults.PermissionRoleId), 777UL],
            guild.Roles!.Select(role => role.Id));
        Assert.Equal([777UL], member.Roles);
        Assert.Equal(DiscordErrorCodes.UnknownMember, unknownMember.ErrorCode);
    }

    [Fact]
    public void ChannelGuildAndMemberSamples_WithUnknownFields_AreRead()
    {
        var channel = JsonSerializer.Deserialize(Sample("channel.json"), DiscordJsonContext.Default.ChannelPayload)!;
        var guild = JsonSerializer.Deserialize(Sample("guild.json"), DiscordJsonContext.Default.GuildPayload)!;
        var member = JsonSerializer.Deserialize(Sample("guild-member.json"), DiscordJsonContext.Default.GuildMemberPayload)!;

        Assert.Equal(100000000000000020UL, channel.Id);
        Assert.Equal(5, channel.Type);
        Assert.Equal(100000000000000010UL, channel.GuildId);
        Assert.Equal(100000000000000050UL, channel.ParentId);
        Assert.Equal(3, channel.PermissionOverwrites!.Count);
        Assert.Equal("2048", channel.PermissionOverwrites[0].Deny);
        Assert.Equal(1, channel.PermissionOverwrites[2].Type);
        // Past 64 bits the string still reads; the calculator keeps the low 64.
        Assert.Equal("18446744073709551616", channel.PermissionOverwrites[2].Deny);
        Assert.Equal(100000000000000030UL, guild.OwnerId);
        Assert.Equal(["2248473465835073", "8"], guild.Roles!.Select(role => role.Permissions));
        Assert.Equal([100000000000000040UL, 100000000000000041UL], member.Roles);
        Assert.True(member.User!.Bot);
    }

    private ClientHarness Harness() => new(
        options => options.StoreTimeout = TimeSpan.FromHours(1),
        clock: _clock,
        apiBaseUrl: _sandbox.ApiBaseUrl,
        botToken: _sandbox.BotToken);

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", name));
}
