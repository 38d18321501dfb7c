using Serverless.Domain.Permissions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Features.ScheduledPosts;

public sealed class ScheduleCommandTests
{
    private const ulong Guild = 900000000000000001;
    private const ulong Channel = 900000000000000002;
    private const ulong Target = 900000000000000003;
    private const ulong User = 80351110224678912;

    // 17:40 in Paris, an hour ahead of UTC in November.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 16, 40, 0, TimeSpan.Zero));
    private readonly InMemoryScheduledPostStore _store = new();
    private readonly ScriptedChannelPostingCheck _channels = new();
    private readonly ScriptedMemberPermissions _members = new();
    private ScheduleCommand _command;

    public ScheduleCommandTests() => _command = new ScheduleCommand(_store, _channels, _members, ScheduleLimits.Default, _time);

    /// <summary>What a moderator of the target channel holds there.</summary>
    private static DiscordPermissions ModeratorInTarget => ScheduleCommand.CreateInChannel;

    [Fact]
    public void Definition_NeedsManageMessagesInAGuild()
    {
        Assert.Equal(MemberPermissions.ManageMessages, ScheduleCommand.Definition.DefaultMemberPermissions);
        Assert.Equal(8192UL, (ulong)MemberPermissions.ManageMessages);
        Assert.Equal([CommandContext.Guild], ScheduleCommand.Definition.Contexts);
        Assert.Equal(CommandResponseMode.Inline, ScheduleCommand.Definition.ResponseMode);
        Assert.Contains(ScheduleCommand.Definition, CommandCatalog.Definitions);
    }

    [Fact]
    public async Task Create_AnswersAModalCarryingTheDraft()
    {
        await _store.SetTimeZoneAsync(Guild, "Europe/Paris", CancellationToken.None);

        var reply = await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"), ("repeat", "daily"));

        var modal = Assert.IsType<ModalPrompt>(reply.Modal);
        Assert.Equal("Scheduled post", modal.Title);
        var input = Assert.Single(modal.Inputs);
        Assert.Equal(ScheduleCommand.ContentInputId, input.CustomId);
        Assert.True(input.Paragraph);
        Assert.True(input.Required);
        Assert.Equal(2000, input.MaxLength);
        Assert.InRange(modal.CustomId.Length, 1, ModalPrompt.MaxCustomIdLength);
        Assert.StartsWith(ScheduleDraft.Prefix, modal.CustomId, StringComparison.Ordinal);

        Assert.True(ScheduleDraft.TryDecode(modal.CustomId, ScheduleLimits.Default.MinRepeatInterval, out var draft));
        Assert.Equal(Target, draft.ChannelId);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero), draft.Due);
        Assert.Equal(new PostRecurrence(RecurrenceKind.Daily), draft.Recurrence);
    }

    [Fact]
    public async Task Create_WithTheLongestCronThatFits_StillFitsTheCustomIdAndRoundTrips()
    {
        var probe = new ScheduleDraft(ulong.MaxValue, _time.GetUtcNow().AddDays(1), "abcdefgh", PostRecurrence.None);
        var cron = "0 9 * * " + string.Join(',', Enumerable.Repeat("1", (probe.MaxCronLength() - 8 + 1) / 2));
        Assert.True(cron.Length <= probe.MaxCronLength());

        var reply = await RunAsync("create", ("channel", ulong.MaxValue.ToString()), ("when", "2026-12-01 09:30"), ("repeat", "cron"), ("cron", cron));

        var modal = Assert.IsType<ModalPrompt>(reply.Modal);
        Assert.InRange(modal.CustomId.Length, 1, ModalPrompt.MaxCustomIdLength);
        Assert.True(ScheduleDraft.TryDecode(modal.CustomId, ScheduleLimits.Default.MinRepeatInterval, out var draft));
        Assert.Equal(new PostRecurrence(RecurrenceKind.Cron, cron), draft.Recurrence);
    }

    [Fact]
    public async Task Create_WithACronTooLongForTheForm_SaysHowLongItMayBe()
    {
        var cron = "0 9 * * " + string.Join(',', Enumerable.Repeat("1", 60));

        var reply = await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"), ("repeat", "cron"), ("cron", cron));

        AssertError(reply, "too long");
    }

    [Theory]
    [InlineData("someday", null, null)]
    [InlineData("2026-11-24 16:00", null, null)]
    [InlineData("2026-12-01 09:30", "hourly", null)]
    [InlineData("2026-12-01 09:30", "cron", "not a cron")]
    [InlineData("2026-12-01 09:30", "cron", null)]
    public async Task Create_WithABadTimeOrRepeat_AnswersAnErrorInsteadOfTheModal(string when, string? repeat, string? cron)
    {
        var options = new List<(string, string)> { ("channel", Target.ToString()), ("when", when) };
        if (repeat is not null)
        {
            options.Add(("repeat", repeat));
        }

        if (cron is not null)
        {
            options.Add(("cron", cron));
        }

        var reply = await RunAsync("create", [.. options]);

        Assert.Null(reply.Modal);
        Assert.True(reply.Ephemeral);
        Assert.False(string.IsNullOrWhiteSpace(reply.Content));
        Assert.Empty(_store.Posts);
    }

    [Fact]
    public async Task Create_WhenStorageIsSlow_AnswersWithinTheDeadlineInsteadOfTheModal()
    {
        var never = new TaskCompletionSource();
        _store.HoldTimeZoneReads = never.Task;

        var pending = RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"));
        Assert.False(pending.IsCompleted);
        _time.Advance(ScheduleCommand.ZoneReadTimeout);

        AssertError(await pending, "try `/schedule create` again");
    }

    [Fact]
    public async Task Create_InAChannelTheBotCannotPostIn_SaysWhyInsteadOfTheModal()
    {
        _channels.Answers[Target] = PostingCheck.HiddenChannel;

        var reply = await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"));

        Assert.Null(reply.Modal);
        AssertError(reply, "I can't see that channel.");
        Assert.Empty(_store.Posts);
    }

    [Fact]
    public async Task Create_WhenDiscordCannotBeAsked_AsksToTryAgain()
    {
        _channels.Failure = new HttpRequestException("connection refused");

        var reply = await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"));

        Assert.Null(reply.Modal);
        AssertError(reply, "couldn't check that channel");
    }

    [Fact]
    public async Task Submit_AfterTheBotLostAccessWhileTheFormWasOpen_StoresNothing()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;
        _channels.Answers[Target] = PostingCheck.UnknownChannel;

        AssertError(await SubmitAsync(modal.CustomId, "Hello"), "That channel does not exist.");
        Assert.Empty(_store.Posts);
        Assert.Equal(2, _channels.Calls);
    }

    [Fact]
    public async Task Submit_CreatesThePostAndConfirmsIt()
    {
        await _store.SetTimeZoneAsync(Guild, "Europe/Paris", CancellationToken.None);
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"), ("repeat", "daily"))).Modal!;
        _time.Advance(TimeSpan.FromMinutes(2));

        var reply = await SubmitAsync(modal.CustomId, "  Weekly standup in the big room  ");

        var post = Assert.Single(_store.Posts);
        Assert.Matches("^[a-z2-7]{8}$", post.Id);
        Assert.Equal(Guild, post.GuildId);
        Assert.Equal(Target, post.ChannelId);
        Assert.Equal("Weekly standup in the big room", post.Content);
        Assert.Equal(new PostRecurrence(RecurrenceKind.Daily), post.Recurrence);
        Assert.Equal("Europe/Paris", post.TimeZone);
        var due = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);
        Assert.Equal(due, post.Anchor);
        Assert.Equal(due, post.NextRunAt);
        Assert.Equal(PostStatus.Pending, post.Status);
        Assert.Equal(User, post.CreatedBy);
        Assert.Equal(_time.GetUtcNow(), post.CreatedAt);
        Assert.Null(reply.Modal);
        Assert.True(reply.Ephemeral);
        Assert.Equal($"Scheduled post `{post.Id}` for 2026-12-01 09:30 (Europe/Paris) in <#{Target}>, repeats daily.", reply.Content);
    }

    [Fact]
    public async Task Submit_OneOffInUtc_SaysNothingAboutRepeating()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;

        var reply = await SubmitAsync(modal.CustomId, "Hello");

        var post = Assert.Single(_store.Posts);
        Assert.Equal("UTC", post.TimeZone);
        Assert.Equal(PostRecurrence.None, post.Recurrence);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), post.Anchor);
        Assert.Equal($"Scheduled post `{post.Id}` for 2026-12-01 09:30 (UTC) in <#{Target}>.", reply.Content);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    public async Task Submit_WithNoText_IsAnErrorAndStoresNothing(string text)
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;

        AssertError(await SubmitAsync(modal.CustomId, text));
        Assert.Empty(_store.Posts);
    }

    [Fact]
    public async Task Submit_AfterTheTimePassedWhileTyping_IsAnErrorAndStoresNothing()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-11-24 16:45"))).Modal!;
        _time.Advance(TimeSpan.FromMinutes(6));

        AssertError(await SubmitAsync(modal.CustomId, "Too late"), "passed while the form was open");
        Assert.Empty(_store.Posts);
    }

    [Theory]
    [InlineData("schedule:create:")]
    [InlineData("schedule:create:abc:1:abcdefgh:none")]
    [InlineData("schedule:create:1:1:abcdefgh:yearly")]
    [InlineData("schedule:create:1:1:no/such:none")]
    [InlineData("schedule:create:1:99999999999999:abcdefgh:none")]
    public async Task Submit_WithAnUnreadableDraft_AsksToStartAgain(string customId)
    {
        AssertError(await SubmitAsync(customId, "text"), "out of date");
        Assert.Empty(_store.Posts);
    }

    public static TheoryData<string> ServerWideSubcommands => ["list", "show", "cancel", "timezone"];

    [Fact]
    public async Task Create_WithManageMessagesOnlyWhereTheCommandWasTyped_IsRefusedForTheTargetChannel()
    {
        // member.permissions is the typing channel's, where an overwrite grants everything; the target grants no Manage Messages.
        var invocation = Invocation("create", MemberPermissions.Administrator | MemberPermissions.ManageMessages, [("channel", Target.ToString()), ("when", "2026-12-01 09:30")]) with
        {
            ChannelPermissions = new Dictionary<ulong, DiscordPermissions> { [Target] = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages },
        };

        var reply = await _command.ExecuteAsync(invocation, CancellationToken.None);

        Assert.Null(reply.Modal);
        Assert.Equal(ScheduleCommand.MissingChannelPermission(Target), reply.Content);
        Assert.Equal(0, _channels.Calls);
    }

    [Fact]
    public async Task Create_WithoutResolvedPermissionsForTheTarget_IsRefused()
    {
        var invocation = Invocation("create", MemberPermissions.ManageMessages, [("channel", Target.ToString()), ("when", "2026-12-01 09:30")]) with
        {
            ChannelPermissions = new Dictionary<ulong, DiscordPermissions> { [Channel] = DiscordPermissions.All },
        };

        Assert.Equal(ScheduleCommand.MissingChannelPermission(Target), (await _command.ExecuteAsync(invocation, CancellationToken.None)).Content);
    }

    [Fact]
    public async Task Submit_ByAMemberWhoCannotManageMessagesInTheTargetChannel_StoresNothing()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;
        _members.Channels[Target] = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages;

        var reply = await SubmitAsync(modal.CustomId, "Hello");

        Assert.Equal(ScheduleCommand.MissingChannelPermission(Target), reply.Content);
        Assert.Empty(_store.Posts);
        Assert.Equal([11UL, 12UL], _members.LastRoleIds);
    }

    [Fact]
    public async Task Submit_WhenDiscordCannotBeAskedAboutTheMember_StoresNothing()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;
        _members.Failure = new HttpRequestException("connection refused");

        AssertError(await SubmitAsync(modal.CustomId, "Hello"), "couldn't check your permissions");
        Assert.Empty(_store.Posts);
    }

    [Theory]
    [MemberData(nameof(ServerWideSubcommands))]
    public async Task ServerWideUse_WithManageMessagesOnlyFromAChannelOverride_IsRefused(string subcommand)
    {
        await _store.SetTimeZoneAsync(Guild, "Europe/Paris", CancellationToken.None);
        _store.Add(Post("abcd2345", PostStatus.Pending, _time.GetUtcNow()));
        _members.Guild = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages;

        // Discord computed Administrator and Manage Messages for the channel the command was typed in.
        var reply = await UseAsync(subcommand, MemberPermissions.Administrator | MemberPermissions.ManageMessages);

        Assert.Equal(ScheduleCommand.MissingServerPermission, reply.Content);
        Assert.True(reply.Ephemeral);
        Assert.Equal(PostStatus.Pending, Assert.Single(_store.Posts).Status);
        Assert.Equal("Europe/Paris", await _store.GetTimeZoneAsync(Guild, CancellationToken.None));
        Assert.Equal([11UL, 12UL], _members.LastRoleIds);
    }

    [Theory]
    [MemberData(nameof(ServerWideSubcommands))]
    public async Task ServerWideUse_WithManageMessagesOrManageServerFromRoles_IsAllowed(string subcommand)
    {
        foreach (var permissions in new DiscordPermissions?[] { DiscordPermissions.ManageMessages, DiscordPermissions.ManageGuild, DiscordPermissions.All })
        {
            _members.Guild = permissions;

            var reply = await UseAsync(subcommand, MemberPermissions.None);

            Assert.NotEqual(ScheduleCommand.MissingServerPermission, reply.Content);
        }
    }

    [Theory]
    [MemberData(nameof(ServerWideSubcommands))]
    public async Task ServerWideUse_WhenDiscordCannotBeAsked_AsksToTryAgain(string subcommand)
    {
        _members.Failure = new HttpRequestException("connection refused");

        AssertError(await UseAsync(subcommand, MemberPermissions.ManageMessages), "couldn't check your permissions");
    }

    [Fact]
    public async Task Create_WhenTheServerHasTheMostPostsAllowed_SaysSoInsteadOfTheModal()
    {
        UseLimits(new ScheduleLimits(2, TimeSpan.FromMinutes(10)));
        _store.Add(Post("aaaaaaaa", PostStatus.Pending, _time.GetUtcNow()));
        _store.Add(Post("bbbbbbbb", PostStatus.Failed, _time.GetUtcNow()));
        _store.Add(Post("cccccccc", PostStatus.Published, _time.GetUtcNow()));
        _store.Add(Post("dddddddd", PostStatus.Pending, _time.GetUtcNow(), guild: Guild + 1));

        var reply = await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"));

        AssertError(reply, "already has 2 scheduled posts waiting");
    }

    [Fact]
    public async Task Submit_WhenTheServerFilledUpWhileTheFormWasOpen_StoresNothing()
    {
        UseLimits(new ScheduleLimits(1, TimeSpan.FromMinutes(10)));
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;
        _store.Add(Post("aaaaaaaa", PostStatus.Pending, _time.GetUtcNow()));

        AssertError(await SubmitAsync(modal.CustomId, "Hello"), "already has 1 scheduled posts waiting");
        Assert.Single(_store.Posts);
    }

    [Fact]
    public async Task Create_WithACronMoreOftenThanTheConfiguredMinimum_IsRefused()
    {
        UseLimits(new ScheduleLimits(25, TimeSpan.FromHours(1)));

        var reply = await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"), ("repeat", "cron"), ("cron", "*/30 * * * *"));

        AssertError(reply, "at most once every 1 hour");
    }

    [Fact]
    public async Task Submit_TheSameFormTwice_StoresOnePostAndAnswersTheSame()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;

        var first = await SubmitAsync(modal.CustomId, "Hello");
        var again = await SubmitAsync(modal.CustomId, "Hello");

        var post = Assert.Single(_store.Posts);
        Assert.Equal(first.Content, again.Content);
        Assert.Contains($"`{post.Id}`", again.Content, StringComparison.Ordinal);
        Assert.Equal(PostIds.ForInteraction(InteractionId), post.Id);
    }

    [Fact]
    public async Task Submit_TheSameFormAfterThePostWasPublished_StillAnswersTheSameAndStoresNothing()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-11-24 16:45"))).Modal!;
        await SubmitAsync(modal.CustomId, "Hello");
        var stored = Assert.Single(_store.Posts);
        _store.Add(stored with { Status = PostStatus.Published, NextRunAt = null });
        _time.Advance(TimeSpan.FromMinutes(10));

        var again = await SubmitAsync(modal.CustomId, "Hello");

        Assert.Contains($"Scheduled post `{stored.Id}`", again.Content, StringComparison.Ordinal);
        Assert.Equal(PostStatus.Published, Assert.Single(_store.Posts).Status);
    }

    [Fact]
    public async Task Submit_AFormNamingAnotherMembersPost_IsOutOfDate()
    {
        var modal = (await RunAsync("create", ("channel", Target.ToString()), ("when", "2026-12-01 09:30"))).Modal!;
        _store.Add(Post(PostIds.ForInteraction(InteractionId), PostStatus.Pending, _time.GetUtcNow()) with { CreatedBy = User + 1 });

        AssertError(await SubmitAsync(modal.CustomId, "Hello"), "out of date");
        Assert.Equal(User + 1, Assert.Single(_store.Posts).CreatedBy);
    }

    [Fact]
    public async Task OutsideAGuild_IsRefusedClearly()
    {
        var reply = await _command.ExecuteAsync(
            new CommandInvocation { CommandName = "schedule", CorrelationId = "c", UserId = User, Options = new Dictionary<string, string> { ["subcommand"] = "list" } },
            CancellationToken.None);

        AssertError(reply, "belong to a server");
    }

    [Fact]
    public async Task List_WithNoPosts_SaysSo()
    {
        var reply = await RunAsync("list");

        Assert.Equal("No scheduled posts in this server.", reply.Content);
        Assert.True(reply.Ephemeral);
    }

    [Fact]
    public async Task List_ShowsOnePageInIdOrder_InTheGuildZone()
    {
        await _store.SetTimeZoneAsync(Guild, "Europe/Paris", CancellationToken.None);
        var now = _time.GetUtcNow();
        _store.Add(Post("aaaaaaaa", PostStatus.Published, now.AddDays(-1)) with { NextRunAt = null });
        _store.Add(Post("bbbbbbbb", PostStatus.Pending, now.AddDays(-3)));
        _store.Add(Post("cccccccc", PostStatus.Failed, now.AddDays(-2)) with { Recurrence = new PostRecurrence(RecurrenceKind.Weekly) });
        _store.Add(Post("dddddddd", PostStatus.Cancelled, now) with { NextRunAt = null });
        _store.Add(Post("eeeeeeee", PostStatus.Pending, now, guild: Guild + 1));

        var lines = (await RunAsync("list")).Content.Split('\n');

        Assert.Equal("**Scheduled posts** (times in Europe/Paris)", lines[0]);
        Assert.Equal(["aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"], lines.Skip(1).Select(line => line[1..9]));
        Assert.Equal($"`cccccccc` failed · next 2026-12-01 09:30 · <#{Target}> · weekly · “Hello there, this is the text of a post…”", lines[3]);
        Assert.Contains("· once ·", lines[2], StringComparison.Ordinal);
        Assert.Contains("cancelled · next — ·", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_OfManyPosts_ReadsOnePage_AndNamesTheNext()
    {
        var now = _time.GetUtcNow();
        for (var i = 0; i < 25; i++)
        {
            _store.Add(Post($"p{i:d7}", PostStatus.Pending, now));
        }

        var first = (await RunAsync("list")).Content.Split('\n');
        Assert.Equal(ScheduleCommand.ListPageSize, first.Count(line => line.StartsWith('`')));
        Assert.Equal("More: `/schedule list after:p0000009` shows the next page.", first[^1]);

        var second = (await RunAsync("list", ("after", "P0000009"))).Content.Split('\n');
        Assert.StartsWith("`p0000010`", second[1], StringComparison.Ordinal);
        Assert.Equal("More: `/schedule list after:p0000019` shows the next page.", second[^1]);

        var last = (await RunAsync("list", ("after", "p0000019"))).Content.Split('\n');
        Assert.Equal(5, last.Count(line => line.StartsWith('`')));
        Assert.StartsWith("`p0000024`", last[^1], StringComparison.Ordinal);

        Assert.Equal("No scheduled posts after `p0000024`.", (await RunAsync("list", ("after", "p0000024"))).Content);
        AssertError(await RunAsync("list", ("after", "no/such")), "not a post id");
    }

    [Fact]
    public async Task List_NeverPingsAndStaysOneMessage()
    {
        var now = _time.GetUtcNow();
        for (var i = 0; i < 30; i++)
        {
            _store.Add(Post($"p{i:d7}", PostStatus.Pending, now.AddMinutes(-i)) with
            {
                Content = "@everyone @here <@123> **bold** `code`\nsecond line " + new string('x', 100),
                Recurrence = new PostRecurrence(RecurrenceKind.Cron, "0 9 * * 1-5"),
                ChannelId = ulong.MaxValue,
            });
        }

        var content = (await RunAsync("list")).Content;
        var lines = content.Split('\n');

        Assert.DoesNotContain("@everyone", content, StringComparison.Ordinal);
        Assert.DoesNotContain("@here", content, StringComparison.Ordinal);
        Assert.DoesNotContain("<@123>", content, StringComparison.Ordinal);
        Assert.DoesNotContain("second line", content, StringComparison.Ordinal);
        Assert.InRange(content.Length, 1, 2000);
        Assert.InRange(lines.Count(line => line.StartsWith('`')), 1, ScheduleCommand.ListPageSize);
        Assert.StartsWith("More: `/schedule list after:", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_GivesEveryField()
    {
        _store.Add(Post("abcd2345", PostStatus.Failed, _time.GetUtcNow().AddDays(-1)) with
        {
            TimeZone = "Europe/Paris",
            Attempts = 3,
            LastError = "Missing Permissions (50013) for @everyone",
            LastPublishedOccurrence = new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.Zero),
            LastMessageId = 1234,
            Content = "Line one\nLine two @everyone",
        });

        var reply = await RunAsync("show", ("id", " ABCD2345 "));

        Assert.True(reply.Ephemeral);
        Assert.Equal(
            $"""
            **Scheduled post `abcd2345`** — failed
            Channel: <#{Target}>
            Next run: 2026-12-01 09:30
            First run: 2026-12-01 09:30
            Repeat: once
            Time zone: Europe/Paris
            Attempts: 3
            Last error: Missing Permissions (50013) for @{"\u200b"}everyone
            Created: 2026-11-23 17:40 by <@{User}>
            Last published: 2026-11-20 09:30 (message 1234)
            Text:
            ```
            Line one
            Line two @{"\u200b"}everyone
            ```
            """.ReplaceLineEndings("\n"),
            reply.Content);
    }

    [Fact]
    public async Task Show_ALongPost_IsShortenedToOneMessage()
    {
        _store.Add(Post("abcd2345", PostStatus.Pending, _time.GetUtcNow()) with { Content = new string('y', 2000), LastError = new string('e', 1000) });

        var content = (await RunAsync("show", ("id", "abcd2345"))).Content;

        Assert.InRange(content.Length, 1, 2000);
        Assert.EndsWith("…\n```", content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zzzzzzzz", "No post `zzzzzzzz`")]
    [InlineData("no/such#id", "not a post id")]
    [InlineData("", "not a post id")]
    public async Task Show_AnUnknownOrMalformedId_IsAClearError(string id, string expected)
    {
        _store.Add(Post("abcd2345", PostStatus.Pending, _time.GetUtcNow(), guild: Guild + 1));

        AssertError(await RunAsync("show", ("id", id)), expected);
    }

    [Fact]
    public async Task Cancel_APendingPost_CancelsIt()
    {
        _store.Add(Post("abcd2345", PostStatus.Pending, _time.GetUtcNow()));

        var reply = await RunAsync("cancel", ("id", "abcd2345"));

        Assert.Equal("Cancelled `abcd2345`.", reply.Content);
        Assert.True(reply.Ephemeral);
        Assert.Equal(PostStatus.Cancelled, Assert.Single(_store.Posts).Status);
    }

    [Fact]
    public async Task Cancel_AnUnknownOrFinishedPost_SaysThereIsNoPendingOne()
    {
        _store.Add(Post("abcd2345", PostStatus.Published, _time.GetUtcNow()));
        _store.Add(Post("efgh2345", PostStatus.Pending, _time.GetUtcNow(), guild: Guild + 1));

        Assert.Equal("No pending post `abcd2345` in this server.", (await RunAsync("cancel", ("id", "abcd2345"))).Content);
        Assert.Equal("No pending post `efgh2345` in this server.", (await RunAsync("cancel", ("id", "efgh2345"))).Content);
        Assert.Equal(PostStatus.Pending, _store.Posts.Single(post => post.Id == "efgh2345").Status);
    }

    [Fact]
    public async Task TimeZone_Known_IsStoredAndConfirmedWithTheLocalTime()
    {
        var reply = await RunAsync("timezone", ("zone", "Europe/Paris"));

        Assert.Equal("Time zone set to Europe/Paris (now 2026-11-24 17:40 there). Existing posts keep their times.", reply.Content);
        Assert.True(reply.Ephemeral);
        Assert.Equal("Europe/Paris", await _store.GetTimeZoneAsync(Guild, CancellationToken.None));
    }

    [Fact]
    public async Task TimeZone_Unknown_IsAnErrorAndChangesNothing()
    {
        AssertError(await RunAsync("timezone", ("zone", "Mars/Olympus_Mons")));
        Assert.Null(await _store.GetTimeZoneAsync(Guild, CancellationToken.None));
    }

    private const ulong InteractionId = 1312345678901234568;

    private void UseLimits(ScheduleLimits limits) => _command = new ScheduleCommand(_store, _channels, _members, limits, _time);

    private async Task<CommandReply> UseAsync(string subcommand, MemberPermissions? permissions)
    {
        (string, string)[] options = subcommand switch
        {
            "create" => [("channel", Target.ToString()), ("when", "2026-12-01 09:30")],
            "show" or "cancel" => [("id", "abcd2345")],
            "timezone" => [("zone", "Asia/Tokyo")],
            _ => [],
        };
        return await _command.ExecuteAsync(Invocation(subcommand, permissions, options), CancellationToken.None);
    }

    private Task<CommandReply> RunAsync(string subcommand, params (string Name, string Value)[] options) =>
        _command.ExecuteAsync(Invocation(subcommand, MemberPermissions.ManageMessages, options), CancellationToken.None).AsTask();

    private Task<CommandReply> SubmitAsync(string customId, string text) =>
        _command.SubmitAsync(
            new ModalSubmission
            {
                CustomId = customId,
                CorrelationId = "c",
                GuildId = Guild,
                ChannelId = Channel,
                UserId = User,
                MemberRoleIds = [11, 12],
                MemberPermissions = MemberPermissions.ManageMessages,
                Values = new Dictionary<string, string> { [ScheduleCommand.ContentInputId] = text },
            },
            CancellationToken.None).AsTask();

    private static CommandInvocation Invocation(string subcommand, MemberPermissions? permissions, (string Name, string Value)[] options)
    {
        var values = options.ToDictionary(option => option.Name, option => option.Value, StringComparer.Ordinal);
        values["subcommand"] = subcommand;
        return new CommandInvocation
        {
            CommandName = ScheduleCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            ChannelId = Channel,
            UserId = User,
            InteractionId = InteractionId,
            MemberRoleIds = [11, 12],
            MemberPermissions = permissions,
            Options = values,
            // As Discord resolves the channel option: the member's rights in the picked channel.
            ChannelPermissions = values.TryGetValue("channel", out var channel) && ulong.TryParse(channel, out var channelId)
                ? new Dictionary<ulong, DiscordPermissions> { [channelId] = ModeratorInTarget }
                : new Dictionary<ulong, DiscordPermissions>(),
        };
    }

    private static ScheduledPost Post(string id, PostStatus status, DateTimeOffset createdAt, ulong guild = Guild) => new()
    {
        Id = id,
        GuildId = guild,
        ChannelId = Target,
        Content = "Hello there, this is the text of a post that goes on for a while.",
        Anchor = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero),
        NextRunAt = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero),
        Status = status,
        CreatedBy = User,
        CreatedAt = createdAt,
    };

    private static void AssertError(CommandReply reply, string? expected = null)
    {
        Assert.Null(reply.Modal);
        Assert.True(reply.Ephemeral);
        Assert.NotEqual(ScheduleCommand.MissingServerPermission, reply.Content);
        if (expected is not null)
        {
            Assert.Contains(expected, reply.Content, StringComparison.Ordinal);
        }
    }
}
