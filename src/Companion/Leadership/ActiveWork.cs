using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Companion.Leadership;

/// <summary>A hosted service that runs only while this companion holds the lease (see <see cref="ActiveWork"/>).</summary>
public sealed record ActiveServiceType(Type ServiceType);

/// <summary>
/// The services that hold the gateway session, consume <c>voice</c> or talk to Lavalink as the bot, started together
/// when the lease is taken and stopped together (in reverse order) when it is given up or lost. Kept out of the host's
/// own hosted services, so a standby never starts them.
/// </summary>
public sealed partial class ActiveWork(IServiceProvider services, IEnumerable<ActiveServiceType> types, ILogger<ActiveWork> logger) : IDisposable
{
    private readonly List<IHostedService> _started = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The services in start order.</summary>
    public IReadOnlyList<IHostedService> Services { get; } = [.. types.Select(type => (IHostedService)services.GetRequiredService(type.ServiceType))];

    public bool IsRunning
    {
        get
        {
            lock (_started)
            {
                return _started.Count > 0;
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var service in Services)
            {
                await service.StartAsync(cancellationToken);
                lock (_started)
                {
                    _started.Add(service);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops what was started, last first; a service that fails to stop is logged and the rest still stop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            List<IHostedService> started;
            lock (_started)
            {
                started = [.. _started];
                _started.Clear();
            }

            for (var index = started.Count - 1; index >= 0; index--)
            {
                try
                {
                    await started[index].StopAsync(cancellationToken);
                }
                catch (Exception exception)
                {
                    Log.StopFailed(logger, exception, started[index].GetType().Name);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 9111, Level = LogLevel.Error, Message = "Stopping the active service {Service} failed")]
        public static partial void StopFailed(ILogger logger, Exception exception, string service);
    }
}

public static class ActiveWorkServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="T"/> to run only while this companion holds the lease.</summary>
    public static IServiceCollection AddActiveService<T>(this IServiceCollection services)
        where T : class, IHostedService
    {
        services.TryAddSingleton<T>();
        services.AddSingleton(new ActiveServiceType(typeof(T)));
        return services;
    }

    /// <summary>Takes a hosted service another registration added (AddLavalink's connection) out of the host and into the active work.</summary>
    public static IServiceCollection MoveToActiveWork<T>(this IServiceCollection services)
        where T : class, IHostedService
    {
        var hosted = services.Where(descriptor => descriptor.ServiceType == typeof(IHostedService) && descriptor.ImplementationType == typeof(T)).ToList();
        foreach (var descriptor in hosted)
        {
            services.Remove(descriptor);
        }

        return services.AddActiveService<T>();
    }
}
