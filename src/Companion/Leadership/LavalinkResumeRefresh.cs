using Serverless.Companion.Lavalink;
using Serverless.Ports.Sessions;

namespace Serverless.Companion.Leadership;

/// <summary>
/// Runs just before the Lavalink connection when this companion becomes active: a standby that takes over minutes after
/// it started resumes the Lavalink session the previous holder saved, not the one there was when it started.
/// </summary>
public sealed partial class LavalinkResumeRefresh(
    ILavalinkSessionStore sessions,
    LavalinkConnectionInputs inputs,
    TimeProvider timeProvider,
    ILogger<LavalinkResumeRefresh> logger) : IHostedService
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(LoadTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (await sessions.LoadAsync(linked.Token) is { } sessionId)
            {
                inputs.ResumeSessionId = sessionId;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // The one read at start-up (if any) stays in force.
            Log.LoadFailed(logger, exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 9108, Level = LogLevel.Warning, Message = "Could not read the saved Lavalink session on taking the lease; resuming the one read at start-up, if any")]
        public static partial void LoadFailed(ILogger logger, Exception exception);
    }
}
