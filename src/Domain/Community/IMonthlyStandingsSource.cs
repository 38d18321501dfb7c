using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Domain.Community;

/// <summary>
/// One feature's contribution to the monthly hall (live standings and the month-end archive): its members' scores for
/// a guild month, read from the feature's own stored state. A feature registers one with
/// <see cref="MonthlyStandingsServiceCollectionExtensions.AddMonthlyStandingsSource{TSource}"/> and, after every write
/// that changes a score, marks <see cref="MonthlyStandings.KeyFor"/> dirty.
/// </summary>
public interface IMonthlyStandingsSource
{
    /// <summary>Stable and unique (<c>duelists</c>, <c>raiders</c>, <c>pairs</c>): the order the hall shows them in is by it.</summary>
    string Category { get; }

    /// <summary>The heading the hall shows (<c>Top duelists</c>).</summary>
    string Title { get; }

    /// <summary>What the score counts (<c>wins</c>, <c>damage</c>, <c>check-ins</c>).</summary>
    string Unit { get; }

    /// <summary>Every entry with a score above zero in that month, in any order.</summary>
    Task<IReadOnlyList<MonthlyStanding>> ListAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken);
}

/// <summary>One entry: a member, or a pair's two members, and their score.</summary>
public sealed record MonthlyStanding(IReadOnlyList<ulong> MemberIds, long Score);

public static class MonthlyStandings
{
    /// <summary>The feature name of the hall's projections.</summary>
    public const string Feature = "hall";

    /// <summary>The current month's live standings: <c>hall/standings/{guild}</c>.</summary>
    public static Projections.ProjectionKey KeyFor(ulong guildId) => new(guildId, Feature, "standings");
}

public static class MonthlyStandingsServiceCollectionExtensions
{
    public static IServiceCollection AddMonthlyStandingsSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSource>(this IServiceCollection services)
        where TSource : class, IMonthlyStandingsSource
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMonthlyStandingsSource, TSource>());
        services.TryAddSingleton<GuildCalendar>();
        return services;
    }
}
