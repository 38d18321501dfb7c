using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Tests;

public sealed class CommandRoutingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private static FeatureCatalog Catalog => CommandCatalog.Current;

    [Fact]
    public void Find_EveryCatalogCommand_RoutesToTheFeatureDeclaringIt()
    {
        string[] expected = [PingCommand.Name, HelpCommand.Name, StatusCommand.Name, ScheduleCommand.Name, MusicCommand.Name, Serverless.Domain.Features.Admin.AdminCommand.Name, Serverless.Domain.Features.Duels.DuelCommand.Name, Serverless.Domain.Features.Raids.RaidCommand.Name, Serverless.Domain.Features.Hall.HallCommand.Name, Serverless.Domain.Features.Pairs.PairCommand.Name, Serverless.Domain.Features.Oracle.OracleCommand.Name];

        Assert.Equal(expected, CommandCatalog.Definitions.Select(definition => definition.Name));
        foreach (var definition in CommandCatalog.Definitions)
        {
            var route = Catalog.Find(RouteKind.Command, definition.Name);
            Assert.NotNull(route);
            Assert.Same(definition, route.Definition);
            Assert.Equal(definition.Name, route.Feature);
            Assert.Equal(definition.ResponseMode, route.Execution);
        }

        Assert.Equal(typeof(PingCommand), Catalog.Find(RouteKind.Command, PingCommand.Name)!.Handler);
        Assert.Equal(typeof(StatusCommand), Catalog.Find(RouteKind.Command, StatusCommand.Name)!.Handler);
        Assert.Null(Catalog.Find(RouteKind.Command, MusicCommand.Name)!.Handler);
    }

    [Theory]
    [InlineData("pong")]
    [InlineData("PING")]
    [InlineData("")]
    public void Find_UnknownName_ReturnsNull(string name)
    {
        Assert.Null(Catalog.Find(RouteKind.Command, name));
    }

    [Theory]
    [InlineData("schedule:create:1:2:none", true)]
    [InlineData("schedule:edit:1", false)]
    [InlineData("other", false)]
    [InlineData("music:pause", false)]
    public void FindForm_RoutesByCustomIdPrefix(string customId, bool toSchedule)
    {
        var route = Catalog.Find(RouteKind.Form, customId);

        Assert.Equal(toSchedule, route is { Feature: ScheduleCommand.Name, Handler: var handler } && handler == typeof(ScheduleCommand));
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
    public void FindComponent_SendsMusicButtonsToTheCompanion(string customId, bool toMusic)
    {
        var route = Catalog.Find(RouteKind.Component, customId);

        Assert.Equal(toMusic, route is not null);
        if (route is not null)
        {
            Assert.Equal("music", route.Feature);
            Assert.Equal(CommandResponseMode.DeferredToVoice, route.Execution);
            Assert.Null(route.Handler);
        }
    }

    [Fact]
    public void FindQueued_ReadsAForm_AClick_OrACommand_FromTheQueuedWork()
    {
        Assert.Equal(RouteKind.Form, Catalog.FindQueued(Queued("schedule", (ModalSubmission.CustomIdOption, "schedule:create:1:2:none")))!.Kind);
        Assert.Equal(RouteKind.Component, Catalog.FindQueued(Queued("music", (InteractionRoute.ComponentOption, MusicCommand.Buttons.Skip)))!.Kind);
        Assert.Equal(RouteKind.Command, Catalog.FindQueued(Queued("music", ("subcommand", "skip")))!.Kind);
        Assert.Null(Catalog.FindQueued(Queued("music", (InteractionRoute.ComponentOption, "jukebox:skip"))));
        Assert.Null(Catalog.FindQueued(Queued("gone")));
    }

    [Fact]
    public void Catalog_RefusesTwoFeaturesClaimingOneName_OrOverlappingPrefixes()
    {
        Assert.Throws<FeatureConflictException>(() => FeatureCatalog.From([.. CommandCatalog.Features, new TestFeature("impostor", feature => feature.AddCompanionCommand(new CommandDefinition { Name = PingCommand.Name, Description = "x", ResponseMode = CommandResponseMode.DeferredToVoice }))]));
        Assert.Throws<FeatureConflictException>(() => FeatureCatalog.From([.. CommandCatalog.Features, new TestFeature("juke", feature => feature.AddCompanionComponent("music:sk"))]));
        Assert.Throws<FeatureConflictException>(() => FeatureCatalog.From([.. CommandCatalog.Features, new TestFeature("m", feature => feature.AddCompanionComponent("m"))]));
        Assert.Throws<FeatureConflictException>(() => FeatureCatalog.From([.. CommandCatalog.Features, new PingFeature()]));

        var extra = FeatureCatalog.From([.. CommandCatalog.Features, new TestFeature("juke", feature => feature.AddCompanionComponent("juke:"))]);
        Assert.Equal("juke", extra.Find(RouteKind.Component, "juke:skip")!.Feature);
        Assert.Equal("music", extra.Find(RouteKind.Component, "music:skip")!.Feature);
    }

    [Fact]
    public void Builder_RefusesAVoiceCommandWithAFunctionsHandler_AndAFunctionsCommandWithoutOne()
    {
        var voice = new CommandDefinition { Name = "juke", Description = "x", ResponseMode = CommandResponseMode.DeferredToVoice };
        var inline = new CommandDefinition { Name = "juke", Description = "x" };

        Assert.Throws<ArgumentException>(() => FeatureCatalog.From([new TestFeature("juke", feature => feature.AddCommand<PingCommand>(voice))]));
        Assert.Throws<ArgumentException>(() => FeatureCatalog.From([new TestFeature("juke", feature => feature.AddCompanionCommand(inline))]));
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
        var reply = await new HelpCommand(CommandCatalog.Current).ExecuteAsync(Invocation("help", 0), CancellationToken.None);

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

    private static CommandInvocation Queued(string name, params (string Name, string Value)[] options) => new()
    {
        CommandName = name,
        CorrelationId = "test",
        Options = options.ToDictionary(option => option.Name, option => option.Value, StringComparer.Ordinal),
    };

    private sealed class TestFeature(string name, Action<FeatureBuilder> register) : IFeatureModule
    {
        public string Name => name;

        public void Register(FeatureBuilder feature) => register(feature);
    }
}
