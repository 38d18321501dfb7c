namespace Serverless.Sandbox.Http;

/// <summary>
/// Replaces the default console lifetime, which would take over Ctrl+C and SIGTERM: the sandbox lives inside
/// a test process or the CLI, and its owner decides when it stops (by disposing it).
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
