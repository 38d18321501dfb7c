using Serverless.Discord.Hosting;
using Serverless.Domain.Hosting;

namespace Serverless.Functions.Features.ScheduledPosts;

public static class ScheduledPostServices
{
    /// <summary>
    /// The scheduled-post pipeline (due-posts timer, publisher), paced by <see cref="ScheduledPostOptions"/> bound from
    /// <c>ScheduledPosts__*</c>. Its <c>IScheduledPostStore</c> comes from <c>AddStorage</c>; <c>/schedule</c> itself and
    /// its limits are its feature's (<c>ScheduleFeature</c>).
    /// </summary>
    public static IServiceCollection AddScheduledPosts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ScheduledPostOptions>().Bind(configuration.GetSection(ScheduledPostOptions.SectionName)).ValidateOnStartWith<ScheduledPostOptions, ScheduledPostOptionsValidator>();
        services.TryAddSingleton<DuePostsTimer>();
        services.TryAddSingleton<SentPostFinder>();
        services.TryAddSingleton<PostPublisher>();
        services.AddMetrics();
        services.TryAddSingleton<ScheduledPostMetrics>();
        return services;
    }
}
