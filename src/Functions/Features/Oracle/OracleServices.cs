namespace Serverless.Functions.Features.Oracle;

public static class OracleServices
{
    /// <summary>The <c>oracle-publisher</c> timer. The publisher, its options and store come from the feature (<c>OracleFeature</c>) and <c>AddStorage</c>.</summary>
    public static IServiceCollection AddOraclePublisher(this IServiceCollection services)
    {
        services.TryAddSingleton<OraclePublisherTimer>();
        return services;
    }
}
