using System.Globalization;
using System.Net;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.State;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

/// <summary>Channels, guilds and members: what a bot reads to work out whether it may post somewhere.</summary>
public sealed class GuildResourceTests
{
    private const ulong Channel = 600000000000000001;
    private const ulong OtherGuild = 600000000000000100;
    private const ulong Role = 600000000000000200;
    private const ulong SendMessages = 1UL << 11;

    [Fact]
    public async Task UnseededChannel_IsATextChannelOfTheDefaultGuild_WithRateLimitHeaders()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        using var response = await api.GetAsync($"channels/{Channel}", TestContext.Token);
        var channel = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Id(Channel), channel.GetProperty("id").GetString());
        Assert.Equal(0, channel.GetProperty("type").GetInt32());
        Assert.Equal(Id(SandboxDefaults.GuildId), channel.GetProperty("guild_id").GetString());
        Assert.Equal(0, channel.GetProperty("permission_overwrites").GetArrayLength());
        Assert.NotEmpty(response.Header("X-RateLimit-Bucket"));
        Assert.NotEmpty(response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task SeededChannel_HasItsTypeGuildAndOverwrites_WithPermissionsAsStrings()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.State.SetChannel(Channel, type: 5, guildId: OtherGuild, overwrites: [SandboxOverwrite.ForRole(OtherGuild, deny: SendMessages), SandboxOverwrite.ForMember(sandbox.BotUserId, allow: SendMessages)]);

        var channel = await (await api.GetAsync($"channels/{Channel}", TestContext.Token)).ReadJsonAsync();
        var overwrites = channel.GetProperty("permission_overwrites");

        Assert.Equal(5, channel.GetProperty("type").GetInt32());
        Assert.Equal(Id(OtherGuild), channel.GetProperty("guild_id").GetString());
        Assert.Equal(2, overwrites.GetArrayLength());
        Assert.Equal(Id(OtherGuild), overwrites[0].GetProperty("id").GetString());
        Assert.Equal(0, overwrites[0].GetProperty("type").GetInt32());
        Assert.Equal("0", overwrites[0].GetProperty("allow").GetString());
        Assert.Equal("2048", overwrites[0].GetProperty("deny").GetString());
        Assert.Equal(1, overwrites[1].GetProperty("type").GetInt32());
        Assert.Equal("2048", overwrites[1].GetProperty("allow").GetString());
    }

    [Fact]
    public async Task DmChannel_HasNoGuild()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.State.SetChannel(Channel, type: 1);

        var channel = await (await api.GetAsync($"channels/{Channel}", TestContext.Token)).ReadJsonAsync();

        Assert.False(channel.TryGetProperty("guild_id", out _));
    }

    [Fact]
    public async Task DefaultGuild_HasAnOwnerAnEveryoneRoleThatCanViewAndSend_AndTheModeratorsRole()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        var guild = await (await api.GetAsync($"guilds/{SandboxDefaults.GuildId}", TestContext.Token)).ReadJsonAsync();
        var roles = guild.GetProperty("roles").EnumerateArray().ToList();
        string[] oneBitRoles = [.. Enumerable.Range(0, SandboxDefaults.HighestPermissionBit + 1).Select(bit => Id(SandboxDefaults.PermissionRoleId(bit)))];
        Assert.Equal([Id(SandboxDefaults.GuildId), Id(SandboxDefaults.ModeratorRoleId), .. oneBitRoles], roles.Select(role => role.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(Id(SandboxDefaults.ModeratorPermissions), roles[1].GetProperty("permissions").GetString());
        Assert.Equal(Id(1UL << 13), roles[2 + 13].GetProperty("permissions").GetString());
        var everyone = roles[0];
        var permissions = ulong.Parse(everyone.GetProperty("permissions").GetString()!, CultureInfo.InvariantCulture);

        Assert.Equal(Id(SandboxDefaults.UserId), guild.GetProperty("owner_id").GetString());
        Assert.Equal(Id(SandboxDefaults.GuildId), everyone.GetProperty("id").GetString());
        Assert.Equal("@everyone", everyone.GetProperty("name").GetString());
        Assert.Equal(SandboxDefaults.EveryonePermissions, permissions);
        Assert.Equal(0x0C00UL, permissions & 0x0C00UL);
    }

    [Fact]
    public async Task SetRoleAndOwner_ShowInTheGuild()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.State.SetRole(OtherGuild, Role, SendMessages);
        sandbox.State.SetRole(OtherGuild, OtherGuild, 0);
        sandbox.State.SetGuildOwner(OtherGuild, sandbox.BotUserId);

        var guild = await (await api.GetAsync($"guilds/{OtherGuild}", TestContext.Token)).ReadJsonAsync();
        var roles = guild.GetProperty("roles").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("permissions").GetString());

        Assert.Equal(Id(sandbox.BotUserId), guild.GetProperty("owner_id").GetString());
        Assert.Equal("0", roles[Id(OtherGuild)]);
        Assert.Equal("2048", roles[Id(Role)]);
    }

    [Fact]
    public async Task BotMember_HasNoRolesUntilGivenSome()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        var path = $"guilds/{SandboxDefaults.GuildId}/members/{sandbox.BotUserId}";

        var before = await (await api.GetAsync(path, TestContext.Token)).ReadJsonAsync();
        sandbox.State.SetBotRoles(SandboxDefaults.GuildId, Role);
        var after = await (await api.GetAsync(path, TestContext.Token)).ReadJsonAsync();

        Assert.Equal(0, before.GetProperty("roles").GetArrayLength());
        Assert.Equal(Id(sandbox.BotUserId), before.GetProperty("user").GetProperty("id").GetString());
        Assert.True(before.GetProperty("user").GetProperty("bot").GetBoolean());
        Assert.Equal([Id(Role)], after.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task UnknownGuildAndMember_Are404WithDiscordsCodes()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        using var guild = await api.GetAsync("guilds/700000000000000001", TestContext.Token);
        using var memberOfUnknownGuild = await api.GetAsync($"guilds/700000000000000001/members/{sandbox.BotUserId}", TestContext.Token);
        using var unknownMember = await api.GetAsync($"guilds/{SandboxDefaults.GuildId}/members/700000000000000002", TestContext.Token);
        using var badChannel = await api.GetAsync("channels/not-an-id", TestContext.Token);

        Assert.Equal((HttpStatusCode.NotFound, 10004), (guild.StatusCode, await CodeOf(guild)));
        Assert.Equal((HttpStatusCode.NotFound, 10004), (memberOfUnknownGuild.StatusCode, await CodeOf(memberOfUnknownGuild)));
        Assert.Equal((HttpStatusCode.NotFound, 10007), (unknownMember.StatusCode, await CodeOf(unknownMember)));
        Assert.Equal((HttpStatusCode.NotFound, 10003), (badChannel.StatusCode, await CodeOf(badChannel)));
    }

    [Fact]
    public async Task WithoutTheBotToken_Is401()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox, asBot: false);

        using var response = await api.GetAsync($"guilds/{SandboxDefaults.GuildId}", TestContext.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<int> CodeOf(HttpResponseMessage response) => (await response.ReadJsonAsync()).GetProperty("code").GetInt32();
}
