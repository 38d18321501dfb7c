using Serverless.Domain.Permissions;

namespace Serverless.Domain.Tests.Permissions;

/// <summary>Discord's permission algorithm on hand-built guilds: one guild, a few roles, the bot as the member.</summary>
public sealed class ChannelPermissionCalculatorTests
{
    private const ulong Guild = 500;
    private const ulong Owner = 501;
    private const ulong Bot = 502;
    private const ulong Moderators = 510;
    private const ulong Bots = 511;
    private const ulong Muted = 512;

    private const DiscordPermissions Everyday = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages | DiscordPermissions.ReadMessageHistory;

    private static readonly GuildRole[] Roles =
    [
        new(Guild, Everyday),
        new(Moderators, DiscordPermissions.ManageMessages),
        new(Bots, DiscordPermissions.EmbedLinks),
        new(Muted, DiscordPermissions.None),
    ];

    [Fact]
    public void NoOverwrites_EveryoneAndMemberRolesAreCombined()
    {
        var permissions = Compute([Moderators], []);

        Assert.Equal(Everyday | DiscordPermissions.ManageMessages, permissions);
    }

    [Fact]
    public void Owner_HasEverything_EvenWhenDeniedOnTheChannel()
    {
        var permissions = ChannelPermissionCalculator.Compute(Guild, ownerId: Bot, Roles, Bot, [], [Deny(Guild, OverwriteTarget.Role, DiscordPermissions.ViewChannel)]);

        Assert.Equal(DiscordPermissions.All, permissions);
    }

    [Fact]
    public void AdministratorThroughARole_HasEverything_AndIgnoresOverwrites()
    {
        GuildRole[] roles = [.. Roles, new(777, DiscordPermissions.Administrator)];

        var permissions = ChannelPermissionCalculator.Compute(Guild, Owner, roles, Bot, [777], [Deny(Bot, OverwriteTarget.Member, DiscordPermissions.SendMessages)]);

        Assert.Equal(DiscordPermissions.All, permissions);
    }

    [Fact]
    public void AdministratorOnlyAsAChannelAllow_DoesNotBypassLaterDenies()
    {
        // Administrator counts at guild level only; allowed on a channel it is just a bit.
        var permissions = Compute([Bots], [Allow(Bots, OverwriteTarget.Role, DiscordPermissions.Administrator), Deny(Bot, OverwriteTarget.Member, DiscordPermissions.SendMessages)]);

        Assert.False(permissions.HasFlag(DiscordPermissions.SendMessages));
    }

    [Fact]
    public void EveryoneDeny_RemovesSendMessages()
    {
        var permissions = Compute([], [Deny(Guild, OverwriteTarget.Role, DiscordPermissions.SendMessages)]);

        Assert.Equal(DiscordPermissions.ViewChannel | DiscordPermissions.ReadMessageHistory, permissions);
    }

    [Fact]
    public void RoleAllow_OverridesEveryoneDeny()
    {
        var permissions = Compute([Bots], [Deny(Guild, OverwriteTarget.Role, DiscordPermissions.SendMessages), Allow(Bots, OverwriteTarget.Role, DiscordPermissions.SendMessages)]);

        Assert.True(permissions.HasFlag(DiscordPermissions.SendMessages));
    }

    [Fact]
    public void RoleAllow_BeatsAnotherRolesDeny_WhateverTheOrder()
    {
        PermissionOverwrite[] overwrites = [Allow(Bots, OverwriteTarget.Role, DiscordPermissions.SendMessages), Deny(Muted, OverwriteTarget.Role, DiscordPermissions.SendMessages)];

        Assert.True(Compute([Bots, Muted], overwrites).HasFlag(DiscordPermissions.SendMessages));
        Assert.True(Compute([Muted, Bots], [.. overwrites.Reverse()]).HasFlag(DiscordPermissions.SendMessages));
    }

    [Fact]
    public void MemberDeny_OverridesRoleAllow()
    {
        var permissions = Compute([Bots], [Allow(Bots, OverwriteTarget.Role, DiscordPermissions.SendMessages), Deny(Bot, OverwriteTarget.Member, DiscordPermissions.SendMessages)]);

        Assert.False(permissions.HasFlag(DiscordPermissions.SendMessages));
    }

    [Fact]
    public void MemberAllow_OverridesEveryoneAndRoleDenies()
    {
        var permissions = Compute(
            [Muted],
            [Deny(Guild, OverwriteTarget.Role, DiscordPermissions.SendMessages), Deny(Muted, OverwriteTarget.Role, DiscordPermissions.SendMessages), Allow(Bot, OverwriteTarget.Member, DiscordPermissions.SendMessages)]);

        Assert.True(permissions.HasFlag(DiscordPermissions.SendMessages));
    }

    [Fact]
    public void OverwritesForOtherRolesAndMembers_DoNotApply()
    {
        var permissions = Compute([], [Deny(Moderators, OverwriteTarget.Role, DiscordPermissions.SendMessages), Deny(Owner, OverwriteTarget.Member, DiscordPermissions.ViewChannel)]);

        Assert.Equal(Everyday, permissions);
    }

    [Fact]
    public void AnOverwriteIsMatchedByItsTarget_NotByIdAlone()
    {
        // A role overwrite that happens to carry the bot's id is not the bot's member overwrite.
        var permissions = Compute([], [Deny(Bot, OverwriteTarget.Role, DiscordPermissions.SendMessages)]);

        Assert.Equal(Everyday, permissions);
    }

    [Fact]
    public void EveryoneInTheMemberRoles_IsNotAppliedTwice()
    {
        // Listed as a member role, @everyone's overwrite would otherwise re-deny after the role allow.
        var permissions = Compute([Guild, Bots], [Deny(Guild, OverwriteTarget.Role, DiscordPermissions.SendMessages), Allow(Bots, OverwriteTarget.Role, DiscordPermissions.SendMessages)]);

        Assert.True(permissions.HasFlag(DiscordPermissions.SendMessages));
    }

    [Fact]
    public void DeletedRole_GrantsNothing()
    {
        var permissions = ChannelPermissionCalculator.Compute(Guild, Owner, [new GuildRole(Guild, DiscordPermissions.None)], Bot, [999], []);

        Assert.Equal(DiscordPermissions.None, permissions);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("2048", 2048UL)]
    [InlineData("2248473465835073", 2248473465835073UL)]
    [InlineData("18446744073709551617", 1UL)]
    [InlineData(null, 0UL)]
    [InlineData("", 0UL)]
    [InlineData("-8", 0UL)]
    [InlineData("0x800", 0UL)]
    public void Bitfield_ReadsDiscordsStrings(string? text, ulong expected) =>
        Assert.Equal((DiscordPermissions)expected, PermissionBitfield.Parse(text));

    [Fact]
    public void NamedBits_HaveDiscordsValues()
    {
        Assert.Equal(0x8UL, (ulong)DiscordPermissions.Administrator);
        Assert.Equal(0x20UL, (ulong)DiscordPermissions.ManageGuild);
        Assert.Equal(0x400UL, (ulong)DiscordPermissions.ViewChannel);
        Assert.Equal(0x800UL, (ulong)DiscordPermissions.SendMessages);
        Assert.Equal(0x2000UL, (ulong)DiscordPermissions.ManageMessages);
        Assert.Equal(0x4000UL, (ulong)DiscordPermissions.EmbedLinks);
        Assert.Equal(0x8000UL, (ulong)DiscordPermissions.AttachFiles);
        Assert.Equal(0x10000UL, (ulong)DiscordPermissions.ReadMessageHistory);
        Assert.Equal(0x20000UL, (ulong)DiscordPermissions.MentionEveryone);
        Assert.Equal(0x100000UL, (ulong)DiscordPermissions.Connect);
        Assert.Equal(0x200000UL, (ulong)DiscordPermissions.Speak);
        Assert.Equal(0x4000000000UL, (ulong)DiscordPermissions.SendMessagesInThreads);
    }

    private static DiscordPermissions Compute(ulong[] botRoles, PermissionOverwrite[] overwrites) =>
        ChannelPermissionCalculator.Compute(Guild, Owner, Roles, Bot, botRoles, overwrites);

    private static PermissionOverwrite Allow(ulong id, OverwriteTarget target, DiscordPermissions allow) => new(id, target, allow, DiscordPermissions.None);

    private static PermissionOverwrite Deny(ulong id, OverwriteTarget target, DiscordPermissions deny) => new(id, target, DiscordPermissions.None, deny);
}
