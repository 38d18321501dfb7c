using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Hosting;
using Serverless.Discord.Permissions;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.RateLimiting;
using Serverless.Domain.Permissions;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.State;

namespace Serverless.Discord.Tests.Permissions;

/// <summary>The service against the Sandbox over real HTTP: the channel, guild and member as Discord would answer them.</summary>
public sealed class BotChannelPermissionsTests : IAsyncLifetime
{
    private const ulong Guild = SandboxDefaults.GuildId;
    private const ulong Channel = 100000000000000077;
    private const ulong BotRole = 100000000000000088;
    private const ulong Send = (ulong)DiscordPermissions.SendMessages;
    private const ulong View = (ulong)DiscordPermissions.ViewChannel;

    private readonly FakeTimeProvider _clock = new(ClientHarness.Start);
    private SandboxServer _sandbox = null!;
    private ClientHarness _harness = null!;
    private BotChannelPermissions _permissions = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = _clock });
        _harness = new ClientHarness(options => options.StoreTimeout = TimeSpan.FromHours(1), clock: _clock, apiBaseUrl: _sandbox.ApiBaseUrl, botToken: _sandbox.BotToken);
        _permissions = new BotChannelPermissions(_harness.Client, _clock);
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task DefaultChannel_CanPost()
    {
        var check = await CheckAsync(Channel);

        Assert.True(check.CanPost, check.Problem);
    }

    [Fact]
    public async Task EveryoneDenyOverwrite_IsRefused_MissingSendMessages()
    {
        _sandbox.State.SetChannel(Channel, overwrites: [SandboxOverwrite.ForRole(Guild, deny: Send)]);

        var check = await CheckAsync(Channel);

        Assert.False(check.CanPost);
        Assert.Equal($"I can't post in <#{Channel}>: I'm missing Send Messages there.", check.Problem);
    }

    [Fact]
    public async Task BotRoleAllowOverwrite_BeatsTheEveryoneDeny()
    {
        _sandbox.State.SetRole(Guild, BotRole, 0);
        _sandbox.State.SetBotRoles(Guild, BotRole);
        _sandbox.State.SetChannel(Channel, overwrites: [SandboxOverwrite.ForRole(Guild, deny: Send), SandboxOverwrite.ForRole(BotRole, allow: Send)]);

        var check = await CheckAsync(Channel);

        Assert.True(check.CanPost, check.Problem);
    }

    [Fact]
    public async Task HiddenChannel_SaysViewChannelIsMissing()
    {
        _sandbox.State.SetChannel(Channel, overwrites: [SandboxOverwrite.ForMember(_sandbox.BotUserId, deny: View)]);

        var check = await CheckAsync(Channel);

        Assert.Equal($"I can't post in <#{Channel}>: I can't see that channel (missing View Channel).", check.Problem);
    }

    [Fact]
    public async Task BotOwningTheGuild_CanPostDespiteDenies()
    {
        _sandbox.State.SetGuildOwner(Guild, _sandbox.BotUserId);
        _sandbox.State.SetChannel(Channel, overwrites: [SandboxOverwrite.ForRole(Guild, deny: Send | View)]);

        Assert.True((await CheckAsync(Channel)).CanPost);
    }

    [Fact]
    public async Task UnknownChannel_DoesNotExist()
    {
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathContains = $"/channels/{Channel}", StatusCode = 404, ErrorCode = DiscordErrorCodes.UnknownChannel, Message = "Unknown Channel" });

        var check = await CheckAsync(Channel);

        Assert.Equal("That channel does not exist.", check.Problem);
    }

    [Fact]
    public async Task ForbiddenChannel_CannotBeSeen()
    {
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathContains = $"/channels/{Channel}", StatusCode = 403, ErrorCode = DiscordErrorCodes.MissingAccess, Message = "Missing Access" });

        var check = await CheckAsync(Channel);

        Assert.Equal("I can't see that channel.", check.Problem);
    }

    [Fact]
    public async Task ChannelOfAnotherGuild_IsRefused_WithoutAskingAboutTheGuild()
    {
        _sandbox.State.SetChannel(Channel, guildId: 100000000000000999);

        var check = await CheckAsync(Channel);

        Assert.Equal($"<#{Channel}> is in another server; pick a channel in this one.", check.Problem);
        Assert.DoesNotContain(_sandbox.Calls, call => call.Path.StartsWith("/guilds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, "is a voice channel")]
    [InlineData(11, "Pick a text or announcement channel, not a thread.")]
    public async Task WrongChannelType_IsRefused_WithoutAskingAboutTheGuild(int type, string problem)
    {
        _sandbox.State.SetChannel(Channel, type);

        var check = await CheckAsync(Channel);

        Assert.Contains(problem, check.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Calls, call => call.Path.StartsWith("/guilds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABurstInOneGuild_ReadsTheGuildAndMemberOnce_UntilTheyExpire()
    {
        for (var i = 0; i < 3; i++)
        {
            await CheckAsync(Channel + (ulong)i);
        }

        var burst = (Me: CountOf("/users/@me"), Guild: CountOf($"/guilds/{Guild}"), Member: CountOf($"/guilds/{Guild}/members/"), Channels: CountOf("/channels/"));
        _clock.Advance(BotChannelPermissions.GuildLifetime + TimeSpan.FromSeconds(1));
        await CheckAsync(Channel);

        Assert.Equal((1, 1, 1, 3), burst);
        Assert.Equal((1, 2, 2), (CountOf("/users/@me"), CountOf($"/guilds/{Guild}"), CountOf($"/guilds/{Guild}/members/")));
    }

    [Fact]
    public async Task TheBotsAndTheMembersCheckOfOneForm_AtOnce_ReadTheChannelAndTheGuildOnce()
    {
        // A submitted form checks the bot and the member in parallel; two first reads of one bucket at once would
        // make the second wait for the first's rate-limit headers.
        var bot = _permissions.CheckCanPostAsync(Guild, Channel, CancellationToken.None);
        var member = _permissions.InChannelAsync(Guild, Channel, 100000000000000099, [], CancellationToken.None);
        await _harness.DriveAsync(Task.WhenAll(bot, member));

        Assert.True((await bot).CanPost);
        Assert.NotNull(await member);
        Assert.Equal((1, 1, 1, 1), (CountOf("/users/@me"), CountOf($"/guilds/{Guild}"), CountOf($"/guilds/{Guild}/members/"), CountOf("/channels/")));
    }

    [Fact]
    public async Task ChecksOneAfterTheOther_EachReadTheChannelFresh()
    {
        await CheckAsync(Channel);
        await CheckAsync(Channel);

        Assert.Equal(2, CountOf("/channels/"));
    }

    [Fact]
    public async Task RoleChanges_ShowOnceTheCacheExpires()
    {
        Assert.True((await CheckAsync(Channel)).CanPost);
        _sandbox.State.SetRole(Guild, Guild, View);

        var cached = await CheckAsync(Channel);
        _clock.Advance(BotChannelPermissions.GuildLifetime);
        var fresh = await CheckAsync(Channel);

        Assert.True(cached.CanPost);
        Assert.False(fresh.CanPost);
    }

    [Fact]
    public async Task DiscordFailing_Throws_RatherThanGuessing()
    {
        _sandbox.Faults.Add(new FaultRule { Method = "GET", PathContains = "/channels/", StatusCode = 401 });

        await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => CheckAsync(Channel));
    }

    [Fact]
    public void AddDiscordRest_RegistersOneSharedInstance()
    {
        var services = new ServiceCollection();
        services.AddDiscordRest(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<BotChannelPermissions>(), provider.GetRequiredService<BotChannelPermissions>());
    }

    [Fact]
    public async Task VoiceChannel_WithDefaults_CanBeJoined_AndAnEveryoneDenyOfSpeakIsNamed()
    {
        const ulong voiceChannel = 100000000000000078;
        _sandbox.State.SetChannel(voiceChannel, type: 2);
        var allowed = await _harness.DriveAsync(_permissions.CheckCanJoinAsync(Guild, voiceChannel, CancellationToken.None));
        _sandbox.State.SetChannel(voiceChannel, type: 2, overwrites: [SandboxOverwrite.ForRole(Guild, deny: (ulong)DiscordPermissions.Speak)]);

        var refused = await _harness.DriveAsync(_permissions.CheckCanJoinAsync(Guild, voiceChannel, CancellationToken.None));

        Assert.True(allowed.CanJoin, allowed.Problem);
        Assert.Equal($"I can't play in <#{voiceChannel}>: I'm missing Speak there.", refused.Problem);
    }

    private Task<PostingCheck> CheckAsync(ulong channelId) =>
        _harness.DriveAsync(_permissions.CheckCanPostAsync(Guild, channelId, CancellationToken.None));

    private int CountOf(string path) => _sandbox.Calls.Count(call => call.Method == "GET"
        && (path.EndsWith('/') ? call.Path.StartsWith(path, StringComparison.Ordinal) : call.Path == path));
}
