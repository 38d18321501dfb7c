using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests;

public sealed class CommandRoutingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private CommandRouter Router() => new(
        new PingCommand(_time),
        new HelpCommand(),
        new StatusCommand(new FixedProbes(), new FixedProbes(), new FixedProbes()),
        new ScheduleCommand(new InMemoryScheduledPostStore(), new ScriptedChannelPostingCheck(), new ScriptedMemberPermissions(), ScheduleLimits.Default, _time),
        new MusicCommand(),
        []);

    [Fact]
    public void Find_EveryCatalogCommand_RoutesToTheClassDeclaringIt()
    {
        var router = Router();

        foreach (var definition in CommandCatalog.Definitions)
        {
            var command = router.Find(definition.Name);
            Assert.NotNull(command);
            Assert.Same(definition, command.Definition);
        }
    }

    [Theory]
    [InlineData("pong")]
    [InlineData("PING")]
    [InlineData("")]
    public void Find_UnknownName_ReturnsNull(string name)
    {
        Assert.Null(Router().Find(name));
    }

    [Theory]
    [InlineData("schedule:create:1:2:none", true)]
    [InlineData("schedule:edit:1", false)]
    [InlineData("other", false)]
    public void FindModalHandler_RoutesByCustomIdPrefix(string customId, bool toSchedule)
    {
        var handler = Router().FindModalHandler(customId);

        Assert.Equal(toSchedule, handler is ScheduleCommand);
    }

    [Theory]
    [InlineData("music:pause", true)]
    [InlineData("music:resume", true)]
    [InlineData("music:skip", true)]
    [InlineData("music:stop", true)]
    [InlineData("music", false)]
    [InlineData("Music:pause", false)]
    [InlineData("schedule:create:1:2:none", false)]
    [InlineData("", false)]
    public void FindComponentRoute_SendsMusicButtonsToTheCompanion(string customId, bool toMusic)
    {
        var route = Router().FindComponentRoute(customId);

        Assert.Equal(toMusic, route is not null);
        if (route is not null)
        {
            Assert.Equal("music", route.CommandName);
            Assert.Equal(ComponentResponseMode.DeferredUpdateToVoice, route.ResponseMode);
        }
    }

    [Fact]
    public void Find_AnAdditionalCommand_IsFoundAfterTheCatalog_WhichAlwaysWins()
    {
        var extra = new NamedCommand("jukebox");
        var impostor = new NamedCommand(PingCommand.Name);
        var router = new CommandRouter(
            new PingCommand(_time),
            new HelpCommand(),
            new StatusCommand(new FixedProbes(), new FixedProbes(), new FixedProbes()),
            new ScheduleCommand(new InMemoryScheduledPostStore(), new ScriptedChannelPostingCheck(), new ScriptedMemberPermissions(), ScheduleLimits.Default, _time),
            new MusicCommand(),
            [extra, impostor]);

        Assert.Same(extra, router.Find("jukebox"));
        Assert.IsType<PingCommand>(router.Find(PingCommand.Name));
        Assert.Null(router.Find("juke"));
    }

    [Fact]
    public void Catalog_Names_AreUniqueAndValidForDiscord()
    {
        var names = CommandCatalog.Definitions.Select(d => d.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(CommandCatalog.Definitions, d =>
        {
            Assert.Matches("^[-_a-z0-9]{1,32}$", d.Name);
            Assert.InRange(d.Description.Length, 1, 100);
        });
    }

    [Fact]
    public async Task Ping_ReportsHandlingTimeSinceTheRequestArrived()
    {
        var received = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(1.5));

        var reply = await new PingCommand(_time).ExecuteAsync(Invocation("ping", received), CancellationToken.None);

        Assert.Equal("Pong! Handled in 1.500 ms.", reply.Content);
        Assert.True(reply.Ephemeral);
    }

    [Fact]
    public async Task Help_ListsEveryCommandInTheCatalog()
    {
        var reply = await new HelpCommand().ExecuteAsync(Invocation("help", 0), CancellationToken.None);

        foreach (var definition in CommandCatalog.Definitions)
        {
            Assert.Contains($"`/{definition.Name}` — {definition.Description}", reply.Content, StringComparison.Ordinal);
        }
    }

    private static CommandInvocation Invocation(string name, long receivedAt) => new()
    {
        CommandName = name,
        CorrelationId = "test",
        ReceivedTimestamp = receivedAt,
    };

    private sealed class NamedCommand(string name) : IBotCommand
    {
        public CommandDefinition Definition { get; } = new() { Name = name, Description = "test", ResponseMode = CommandResponseMode.DeferredToVoice };

        public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CommandReply("", Ephemeral: true));
    }

    private sealed class FixedProbes : IStorageStatusProbe, IDiscordStatusProbe, ICompanionStatusProbe
    {
        Task<CompanionStatus> ICompanionStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(CompanionStatus.Evaluate(null, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(90)));

        Task<StorageStatus> IStorageStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new StorageStatus(DependencyState.Ok, TimeSpan.Zero, []));

        Task<DiscordStatus> IDiscordStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new DiscordStatus(DependencyState.Ok, "bot"));
    }
}
