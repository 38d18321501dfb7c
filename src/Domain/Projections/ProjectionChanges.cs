using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Domain.Projections;

/// <summary>
/// What features call when their state changed: <see cref="MarkDirtyAsync"/> bumps the projection's version and queues
/// one refresh for all the changes of the next <see cref="ProjectionOptions.CoalesceWindow"/> (longer when the message
/// was edited less than <see cref="ProjectionOptions.MinEditInterval"/> ago); <see cref="PlaceAsync"/>
/// says where its message lives.
/// </summary>
public sealed partial class ProjectionChanges(
    IProjectionStore store,
    IProjectionRefreshQueue queue,
    IOptions<ProjectionOptions> options,
    TimeProvider timeProvider,
    ILogger<ProjectionChanges> logger)
{
    private const int MaxAttempts = 10;

    /// <summary>
    /// Records a change. Cheap when a refresh is already pending (one ETag-guarded write); queues one otherwise. A
    /// projection nobody placed yet is created without a channel, so placing it later renders everything so far.
    /// </summary>
    public async Task MarkDirtyAsync(ProjectionKey key, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var settings = options.Value;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            var current = await store.GetAsync(key, cancellationToken) ?? new ProjectionState { Key = key };
            var enqueue = current.ChannelId is not null && current.BrokenReason is null
                && ProjectionRefreshPolicy.ShouldEnqueue(current.RefreshPendingUntil, now);
            var delay = ProjectionRefreshPolicy.RefreshDelay(now, current.PublishedAt, settings);
            var next = current with
            {
                Version = current.Version + 1,
                DirtySince = current.DirtySince ?? now,
                RefreshPendingUntil = enqueue ? ProjectionRefreshPolicy.PendingUntil(now, delay, settings) : current.RefreshPendingUntil,
            };
            if (!await store.TryWriteAsync(next, cancellationToken))
            {
                continue;
            }

            if (enqueue)
            {
                await queue.EnqueueAsync(key, delay, correlationId, cancellationToken);
                Log.Queued(logger, key, key.GuildId, key.Feature, next.Version, correlationId);
            }

            return;
        }

        // Lost every race: so many writers that one of them has queued the refresh.
        Log.GaveUp(logger, key, key.GuildId, key.Feature, correlationId);
    }

    /// <summary>
    /// Sets the channel the projection's message lives in (and the guild's log channel for notes, when given). A new
    /// channel clears a broken state and forgets the old message, so the next refresh posts there; one is queued now.
    /// </summary>
    public async Task PlaceAsync(ProjectionKey key, ulong channelId, ulong? logChannelId, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var now = timeProvider.GetUtcNow();
            var current = await store.GetAsync(key, cancellationToken) ?? new ProjectionState { Key = key };
            var moved = current.ChannelId != channelId;
            var next = current with
            {
                ChannelId = channelId,
                LogChannelId = logChannelId ?? current.LogChannelId,
                MessageId = moved ? null : current.MessageId,
                PublishedHash = moved ? null : current.PublishedHash,
                Generation = moved ? current.Generation + 1 : current.Generation,
                BrokenReason = null,
                EditRefusals = 0,
                Version = current.Version + 1,
                DirtySince = current.DirtySince ?? now,
                RefreshPendingUntil = ProjectionRefreshPolicy.PendingUntil(now, TimeSpan.Zero, options.Value),
            };
            if (await store.TryWriteAsync(next, cancellationToken))
            {
                await queue.EnqueueAsync(key, TimeSpan.Zero, correlationId, cancellationToken);
                Log.Placed(logger, key, key.GuildId, key.Feature, channelId, correlationId);
                return;
            }
        }

        throw new InvalidOperationException($"The projection {key} changed {MaxAttempts} times while being placed; try again.");
    }

    /// <summary>
    /// Renders the projection again whatever its hash (operators' <c>projections rebuild</c>): clears a broken state and
    /// the published hash, and queues a refresh now. False when the projection does not exist.
    /// </summary>
    public async Task<bool> RebuildAsync(ProjectionKey key, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(key, cancellationToken) is not { } current)
            {
                return false;
            }

            var now = timeProvider.GetUtcNow();
            var next = current with
            {
                PublishedHash = null,
                BrokenReason = null,
                EditRefusals = 0,
                Version = current.Version + 1,
                DirtySince = current.DirtySince ?? now,
                RefreshPendingUntil = ProjectionRefreshPolicy.PendingUntil(now, TimeSpan.Zero, options.Value),
            };
            if (await store.TryWriteAsync(next, cancellationToken))
            {
                if (current.ChannelId is not null)
                {
                    await queue.EnqueueAsync(key, TimeSpan.Zero, correlationId, cancellationToken);
                }

                Log.Rebuilt(logger, key, key.GuildId, key.Feature, correlationId);
                return true;
            }
        }

        throw new InvalidOperationException($"The projection {key} changed {MaxAttempts} times while being rebuilt; try again.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Projection {ProjectionKey} refresh queued at version {Version} (guild {GuildId}, feature {Feature}, {CorrelationId})")]
        public static partial void Queued(ILogger logger, ProjectionKey projectionKey, ulong guildId, string feature, long version, string correlationId);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Projection {ProjectionKey} change not recorded: too many concurrent writers (guild {GuildId}, feature {Feature}, {CorrelationId})")]
        public static partial void GaveUp(ILogger logger, ProjectionKey projectionKey, ulong guildId, string feature, string correlationId);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Projection {ProjectionKey} placed in channel {ChannelId} (guild {GuildId}, feature {Feature}, {CorrelationId})")]
        public static partial void Placed(ILogger logger, ProjectionKey projectionKey, ulong guildId, string feature, ulong channelId, string correlationId);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Projection {ProjectionKey} rebuild queued (guild {GuildId}, feature {Feature}, {CorrelationId})")]
        public static partial void Rebuilt(ILogger logger, ProjectionKey projectionKey, ulong guildId, string feature, string correlationId);
    }
}
