using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport;
using Serverless.TestSupport.Telemetry;

namespace Serverless.Domain.Tests.DeferredWork;

/// <summary>Each rule of the one deferred-work runner, on a fake clock, with the host's handler and the ledger as doubles.</summary>
public sealed class DeferredWorkRunnerTests
{
    private const string Token = "aW50ZXJhY3Rpb24tdG9rZW4";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly Ledger _ledger = new();
    private readonly Handler _handler = new();
    private readonly QueuedCommands _decoder = new();
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task ReadableWorkInTime_RunsTheHandler_MarksItDone_AndCompletes()
    {
        var command = Command(interactionAge: TimeSpan.FromSeconds(5));

        var outcome = await Runner().RunAsync("interactions", _decoder.Queue(command), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkOutcome.Completed, outcome);
        Assert.Equal([command.InteractionId], _handler.Ran);
        Assert.Equal([(command.InteractionId, "status")], _ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2006 && entry.Message.Contains("corr-1", StringComparison.Ordinal) && entry.Message.Contains("900000000000000001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreadableMessage_IsPoisonedAtOnce_WithoutRunning_LoggingWhy()
    {
        var outcome = await Runner().RunAsync("interactions", "not a message", _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkResult.Poison, outcome.Result);
        Assert.DoesNotContain("not a message", outcome.Reason!, StringComparison.Ordinal);
        Assert.Empty(_handler.Ran);
        Assert.Empty(_ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2001 && entry.Message.Contains("no such message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmokeProbe_CompletesWithOneLogLine_WithoutRunningOrMarking()
    {
        var outcome = await Runner().RunAsync("interactions", "probe-abc123", _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkOutcome.Completed, outcome);
        Assert.Empty(_handler.Ran);
        Assert.Empty(_ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2008 && entry.Message.Contains("abc123", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, entry => entry.Id.Id == 2001);
    }

    [Fact]
    public async Task InteractionOlderThanTheDeadline_IsDropped_EvenWhenQueuedJustNow()
    {
        // The age is the interaction's (from its id), not the message's: the token was issued when Discord sent it.
        var command = Command(interactionAge: TimeSpan.FromMinutes(10)) with { EnqueuedAt = _time.GetUtcNow() };

        var outcome = await Runner(deadline: TimeSpan.FromMinutes(9)).RunAsync("interactions", _decoder.Queue(command), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkOutcome.Skipped, outcome);
        Assert.Empty(_handler.Ran);
        Assert.Empty(_ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2002 && entry.Message.Contains("10.0 minutes old", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InteractionJustInsideTheDeadline_Runs_AndTheClockDecides()
    {
        var command = Command(interactionAge: TimeSpan.FromMinutes(14) - TimeSpan.FromSeconds(1));
        var text = _decoder.Queue(command);

        Assert.Equal(DeferredWorkOutcome.Completed, await Runner().RunAsync("interactions", text, _handler, CancellationToken.None));

        // Two seconds later the same interaction is past the default 14 minutes.
        _ledger.Forget();
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DeferredWorkOutcome.Skipped, await Runner().RunAsync("interactions", text, _handler, CancellationToken.None));
        Assert.Single(_handler.Ran);
    }

    [Fact]
    public async Task WorkTheLedgerKnowsAsDone_IsSkipped_NotRunAgain()
    {
        var text = _decoder.Queue(Command(interactionAge: TimeSpan.FromSeconds(5)));
        await Runner().RunAsync("interactions", text, _handler, CancellationToken.None);

        var outcome = await Runner().RunAsync("interactions", text, _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkOutcome.Skipped, outcome);
        Assert.Single(_handler.Ran);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2003);
    }

    [Fact]
    public async Task FailingHandler_AsksForARetry_WithoutMarkingDone_OrNamingTheToken()
    {
        _handler.Throw = new InvalidOperationException("storage down");

        var outcome = await Runner().RunAsync("interactions", _decoder.Queue(Command(interactionAge: TimeSpan.FromSeconds(5))), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkResult.Retry, outcome.Result);
        Assert.Contains("corr-1", outcome.Reason!, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), outcome.Reason!, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, outcome.Reason!, StringComparison.Ordinal);
        Assert.Empty(_ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2005);
    }

    [Fact]
    public async Task FailingLedger_AsksForARetry()
    {
        _ledger.Throw = new InvalidOperationException("table down");

        var outcome = await Runner().RunAsync("interactions", _decoder.Queue(Command(interactionAge: TimeSpan.FromSeconds(5))), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkResult.Retry, outcome.Result);
        Assert.Empty(_handler.Ran);
    }

    [Fact]
    public async Task InteractionDiscordNoLongerKnows_IsDropped_NotRetried()
    {
        _handler.Throw = new GoneError(isGone: true);

        var outcome = await Runner().RunAsync("interactions", _decoder.Queue(Command(interactionAge: TimeSpan.FromSeconds(5))), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkOutcome.Skipped, outcome);
        Assert.Empty(_ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2004 && entry.Message.Contains("10062", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherDiscordError_IsRetried()
    {
        _handler.Throw = new GoneError(isGone: false);

        var outcome = await Runner().RunAsync("interactions", _decoder.Queue(Command(interactionAge: TimeSpan.FromSeconds(5))), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkResult.Retry, outcome.Result);
    }

    [Fact]
    public async Task ShuttingDown_IsNotAFailure_TheCancellationPropagates()
    {
        using var stopping = new CancellationTokenSource();
        _handler.OnRun = stopping.Cancel;
        _handler.Throw = new OperationCanceledException(stopping.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Runner().RunAsync("interactions", _decoder.Queue(Command(interactionAge: TimeSpan.FromSeconds(5))), _handler, stopping.Token));
        Assert.Empty(_ledger.Marked);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Id.Id == 2005);
    }

    [Fact]
    public void Options_RefuseADeadlinePastTheTokensLifetime_NamingTheKey()
    {
        var validator = new DeferredWorkOptionsValidator();

        var failure = Assert.Single(validator.Validate(null, new DeferredWorkOptions { Deadline = TimeSpan.FromMinutes(20) }).Failures ?? []);
        Assert.StartsWith("DeferredWork__Deadline", failure, StringComparison.Ordinal);
        Assert.False(validator.Validate(null, new DeferredWorkOptions { Deadline = TimeSpan.Zero }).Succeeded);
        Assert.True(validator.Validate(null, new DeferredWorkOptions()).Succeeded);
        Assert.Equal(TimeSpan.FromMinutes(14), new DeferredWorkOptions().Deadline);
        Assert.Equal("DeferredWork", DeferredWorkOptions.SectionName);
    }

    [Fact]
    public async Task WorkOfAFeatureTurnedOffSinceItWasQueued_IsAnsweredWithTheReason_NotRun_AndMarkedDone()
    {
        var command = Command(interactionAge: TimeSpan.FromSeconds(5));
        var controls = new Controls.FixedControls
        {
            Snapshot = new(
                [new Serverless.Domain.Controls.KillSwitch { Target = Serverless.Domain.Controls.ControlTarget.Feature("status"), Reason = "being fixed", SetBy = "ops:test", SetAt = _time.GetUtcNow() }],
                [],
                []),
        };
        var gate = new Serverless.Domain.Controls.OperatorControlGate(controls, new Controls.MemoryLimitStore(), Options.Create(new Serverless.Domain.Controls.CommandLimitOptions()), _time);

        var outcome = await Runner(gate: gate).RunAsync("interactions", _decoder.Queue(command), _handler, CancellationToken.None);

        Assert.Equal(DeferredWorkOutcome.Skipped, outcome);
        Assert.Empty(_handler.Ran);
        var (id, message) = Assert.Single(_handler.Refused);
        Assert.Equal(command.InteractionId, id);
        Assert.Equal("The status feature is turned off right now: being fixed. Please try again later.", message);
        Assert.Equal([(command.InteractionId, "status")], _ledger.Marked);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2009 && entry.Message.Contains("disabled", StringComparison.Ordinal));

        controls.Snapshot = Serverless.Domain.Controls.OperatorControlSnapshot.Empty;
        var later = Command(interactionAge: TimeSpan.FromSeconds(5)) with { InteractionId = command.InteractionId + 1 };
        Assert.Equal(DeferredWorkOutcome.Completed, await Runner(gate: gate).RunAsync("interactions", _decoder.Queue(later), _handler, CancellationToken.None));
        Assert.Equal([later.InteractionId], _handler.Ran);
    }

    private DeferredWorkRunner Runner(TimeSpan? deadline = null, Serverless.Domain.Controls.OperatorControlGate? gate = null) => new(
        _decoder,
        _ledger,
        Options.Create(new DeferredWorkOptions { Deadline = deadline ?? TimeSpan.FromMinutes(14) }),
        _time,
        new TypedLogger<DeferredWorkRunner>(_logs.CreateLogger(nameof(DeferredWorkRunner))),
        new DeferredWorkMetrics(new TestMeterFactory()),
        gate: gate);

    private DeferredCommand Command(TimeSpan interactionAge) => new()
    {
        InteractionId = Snowflake.AtTime(_time.GetUtcNow() - interactionAge) + 1,
        ApplicationId = 100000000000000001,
        InteractionToken = Token,
        EnqueuedAt = _time.GetUtcNow() - interactionAge,
        Invocation = new CommandInvocation { CommandName = "status", CorrelationId = "corr-1", GuildId = 900000000000000001 },
    };

    private sealed class Ledger : IInteractionLedger
    {
        public List<(ulong, string)> Marked { get; } = [];

        public Exception? Throw { get; set; }

        public void Forget() => Marked.Clear();

        public Task<bool> IsCompletedAsync(ulong interactionId, CancellationToken cancellationToken) =>
            Throw is not null ? Task.FromException<bool>(Throw) : Task.FromResult(Marked.Exists(entry => entry.Item1 == interactionId));

        public Task MarkCompletedAsync(ulong interactionId, string commandName, CancellationToken cancellationToken)
        {
            Marked.Add((interactionId, commandName));
            return Task.CompletedTask;
        }
    }

    private sealed class Handler : IDeferredWorkHandler
    {
        public List<ulong> Ran { get; } = [];

        public Exception? Throw { get; set; }

        public Action? OnRun { get; set; }

        public Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
        {
            Ran.Add(command.InteractionId);
            OnRun?.Invoke();
            return Throw is not null ? Task.FromException(Throw) : Task.CompletedTask;
        }

        public List<(ulong InteractionId, string Message)> Refused { get; } = [];

        public Task AnswerRefusedAsync(DeferredCommand command, string message, CancellationToken cancellationToken)
        {
            Refused.Add((command.InteractionId, message));
            return Task.CompletedTask;
        }
    }

    private sealed class GoneError(bool isGone) : Exception("Discord answered 404"), IInteractionGoneError
    {
        public bool IsInteractionGone => isGone;

        public int? ErrorCode => isGone ? 10062 : 50001;
    }

    private sealed class TypedLogger<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
