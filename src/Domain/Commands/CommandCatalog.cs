using Serverless.Domain.Features.Admin;
using Serverless.Domain.Features.Duels;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Features.Help;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Features.Pairs;
using Serverless.Domain.Features.Ping;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Features.Status;

namespace Serverless.Domain.Commands;

/// <summary>
/// The bot's features: the one list the Functions app, the companion and the ops CLI's manifest read. Adding a feature
/// is one line here (see the README, "Adding a feature").
/// </summary>
public static class CommandCatalog
{
    /// <summary>In the order <c>/help</c> lists their commands and the manifest declares them.</summary>
    public static IReadOnlyList<IFeatureModule> Features { get; } =
    [
        new PingFeature(),
        new HelpFeature(),
        new StatusFeature(),
        new ScheduleFeature(),
        new MusicFeature(),
        new AdminFeature(),
        new DuelsFeature(),
        new RaidsFeature(),
        new HallFeature(),
        new PairsFeature(),
        new OracleFeature(),
    ];

    /// <summary>The routes of <see cref="Features"/>, without their services.</summary>
    public static FeatureCatalog Current { get; } = FeatureCatalog.From(Features);

    /// <summary>Every slash command, as the manifest declares it.</summary>
    public static IReadOnlyList<CommandDefinition> Definitions => Current.Commands;
}
