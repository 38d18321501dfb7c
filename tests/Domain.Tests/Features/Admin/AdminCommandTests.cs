using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Domain.Features.Admin;
using Serverless.TestSupport;
using Serverless.TestSupport.Controls;

namespace Serverless.Domain.Tests.Features.Admin;

/// <summary><c>/admin</c>: owners change the controls through it; everyone else is refused and nothing changes.</summary>
public sealed class AdminCommandTests
{
    private const ulong Owner = 111000000000000001;
    private const ulong Stranger = 222000000000000002;
    private const ulong Guild = 333000000000000003;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOperatorControlStore _store = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FakeOwnerLookup _lookup = new();

    private AdminCommand Command(string? configuredOwners = null) => new(
        new BotOwners(Options.Create(new AdminOptions { Owners = configuredOwners }), _lookup, _time),
        new OperatorControlChanges(_store, null, CommandCatalog.Current, _time),
        _time,
        new TypedLogger<AdminCommand>(_logs.CreateLogger("admin")));

    private static CommandInvocation Invocation(ulong user, string subcommand, params (string Name, string Value)[] options) => new()
    {
        CommandName = AdminCommand.Name,
        CorrelationId = "c1",
        GuildId = Guild,
        UserId = user,
        Options = options.Append(("subcommand", subcommand)).ToDictionary(o => o.Item1, o => o.Item2),
    };

    [Fact]
    public async Task AConfiguredOwner_DisablesACommand_AndTheAuditListsIt()
    {
        var command = Command(configuredOwners: $"{Owner}, 999");

        var reply = await command.ExecuteAsync(Invocation(Owner, "feature disable", ("target", "/ping"), ("reason", "Pings are broken, back soon."), ("duration", "2h")), CancellationToken.None);
        var audit = await command.ExecuteAsync(Invocation(Owner, "audit"), CancellationToken.None);
        var list = await command.ExecuteAsync(Invocation(Owner, "feature list"), CancellationToken.None);

        Assert.True(reply.Ephemeral);
        Assert.Equal("Disabled /ping everywhere until 2026-12-04 14:00 UTC. Users see: Pings are broken, back soon.", reply.Content);
        var stored = Assert.Single((await _store.LoadAsync(CancellationToken.None)).Switches);
        Assert.Equal(ControlActor.DiscordUser(Owner), stored.SetBy);
        Assert.Null(stored.GuildId);
        Assert.Contains($"discord:{Owner} feature.disabled /ping (everywhere until 2026-12-04 14:00 UTC) — Pings are broken, back soon.", audit.Content, StringComparison.Ordinal);
        Assert.Contains("/ping everywhere until <t:", list.Content, StringComparison.Ordinal);
        Assert.Equal(0, _lookup.Calls);
    }

    [Fact]
    public async Task ANonOwner_IsRefused_NothingIsStored_AndTheRefusalIsLogged()
    {
        var command = Command(configuredOwners: Owner.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var reply = await command.ExecuteAsync(Invocation(Stranger, "guild block", ("reason", "mine now")), CancellationToken.None);

        Assert.Equal(AdminCommand.NotAnOwner, reply.Content);
        Assert.True(reply.Ephemeral);
        Assert.Empty(_store.Audit);
        Assert.Empty((await _store.LoadAsync(CancellationToken.None)).Blocks);
        var refusal = Assert.Single(_logs.Entries, entry => entry.Id.Id == 2461);
        Assert.Contains(Stranger.ToString(System.Globalization.CultureInfo.InvariantCulture), refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutConfiguredOwners_TheApplicationsOwnersAreAsked_AtMostEveryTenMinutes()
    {
        _lookup.Owners = [Owner];
        var command = Command();

        var first = await command.ExecuteAsync(Invocation(Owner, "guild block", ("reason", "raid")), CancellationToken.None);
        var refused = await command.ExecuteAsync(Invocation(Stranger, "guild list"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(9));
        await command.ExecuteAsync(Invocation(Owner, "guild list"), CancellationToken.None);
        Assert.Equal(1, _lookup.Calls);

        _time.Advance(TimeSpan.FromMinutes(2));
        _lookup.Owners = [Stranger];
        var now = await command.ExecuteAsync(Invocation(Stranger, "guild list"), CancellationToken.None);

        Assert.Equal($"Blocked guild {Guild}.", first.Content);
        Assert.Equal(AdminCommand.NotAnOwner, refused.Content);
        Assert.StartsWith("**Blocked guilds**", now.Content, StringComparison.Ordinal);
        Assert.Equal(2, _lookup.Calls);
    }

    [Fact]
    public async Task WhenDiscordCannotSayWhoOwnsTheBot_NobodyIsLetIn_ButAKnownListOutlivesAnOutage()
    {
        _lookup.Failure = new HttpRequestException("unreachable");
        var command = Command();

        var unknown = await command.ExecuteAsync(Invocation(Owner, "audit"), CancellationToken.None);
        Assert.StartsWith("I couldn't learn the bot's owners", unknown.Content, StringComparison.Ordinal);

        _lookup.Failure = null;
        _lookup.Owners = [Owner];
        await command.ExecuteAsync(Invocation(Owner, "audit"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(11));
        _lookup.Failure = new HttpRequestException("unreachable");
        var stillOwner = await command.ExecuteAsync(Invocation(Owner, "audit"), CancellationToken.None);

        Assert.Equal("No changes recorded yet.", stillOwner.Content);
    }

    [Fact]
    public async Task GuildBlock_DefaultsToThisGuild_AndSwitchGuildHere_MeansThisGuild()
    {
        var command = Command(configuredOwners: "111000000000000001");

        await command.ExecuteAsync(Invocation(Owner, "guild block", ("reason", "raid"), ("duration", "7d")), CancellationToken.None);
        await command.ExecuteAsync(Invocation(Owner, "feature disable", ("target", "feature:music"), ("reason", "Music is resting."), ("guild", "here")), CancellationToken.None);
        var badGuild = await command.ExecuteAsync(Invocation(Owner, "guild unblock", ("guild", "not-an-id")), CancellationToken.None);
        var badTarget = await command.ExecuteAsync(Invocation(Owner, "feature disable", ("target", "/nosuch"), ("reason", "r")), CancellationToken.None);

        var snapshot = await _store.LoadAsync(CancellationToken.None);
        Assert.Equal(_time.GetUtcNow().AddDays(7), snapshot.FindBlock(Guild, _time.GetUtcNow())!.ExpiresAt);
        Assert.Equal(Guild, Assert.Single(snapshot.Switches).GuildId);
        Assert.StartsWith("Give a guild id", badGuild.Content, StringComparison.Ordinal);
        Assert.StartsWith("No such command /nosuch", badTarget.Content, StringComparison.Ordinal);
        Assert.Equal(2, _store.Audit.Count);
    }

    [Fact]
    public async Task LimitsOverride_ThenShow_ForAUser()
    {
        var command = Command(configuredOwners: "111000000000000001");

        var set = await command.ExecuteAsync(Invocation(Owner, "limits override", ("bucket", "music"), ("capacity", "3"), ("per", "1m"), ("reason", "spammy"), ("user", "444")), CancellationToken.None);
        var show = await command.ExecuteAsync(Invocation(Owner, "limits show", ("user", "444")), CancellationToken.None);
        var both = await command.ExecuteAsync(Invocation(Owner, "limits show", ("user", "444"), ("guild", "1")), CancellationToken.None);

        Assert.Equal("user:444 may now run 3 per 1m of music.", set.Content);
        Assert.Contains("music: 3 per 1m — spammy (discord:111000000000000001)", show.Content, StringComparison.Ordinal);
        Assert.Equal("Give a user or a guild, not both.", both.Content);
    }

    [Fact]
    public void TheDefinition_IsForEveryMember_InGuildsAndDms_AndDeferredEphemeral()
    {
        Assert.Null(AdminCommand.Definition.DefaultMemberPermissions);
        Assert.Equal([CommandContext.Guild, CommandContext.BotDm], AdminCommand.Definition.Contexts);
        Assert.Equal(CommandResponseMode.Deferred, AdminCommand.Definition.ResponseMode);
        Assert.True(AdminCommand.Definition.Ephemeral);
        Assert.Equal(["feature", "guild", "limits", "audit"], AdminCommand.Definition.Options.Select(o => o.Name));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("111000000000000001, 222000000000000002", true)]
    [InlineData("111,abc", false)]
    [InlineData("0", false)]
    public void OwnersSetting_IsValidated(string? owners, bool valid) =>
        Assert.Equal(valid, new AdminOptionsValidator().Validate(null, new AdminOptions { Owners = owners }).Succeeded);

    private sealed class TypedLogger<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    private sealed class FakeOwnerLookup : IApplicationOwnerLookup
    {
        public IReadOnlyCollection<ulong> Owners { get; set; } = [];

        public Exception? Failure { get; set; }

        public int Calls { get; private set; }

        public Task<IReadOnlyCollection<ulong>> GetOwnerIdsAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Failure is { } failure ? Task.FromException<IReadOnlyCollection<ulong>>(failure) : Task.FromResult(Owners);
        }
    }
}
