using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Serverless.Discord.Hosting;

/// <summary>Start-up validation for both hosts (the Functions worker and the companion).</summary>
public static class StartupConfiguration
{
    /// <summary>
    /// Runs every start-up validation and returns the failures, each naming its setting, so that bad
    /// configuration stops the app with clear lines rather than a stack trace.
    /// </summary>
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            return [.. exception.InnerExceptions.Cast<OptionsValidationException>().SelectMany(inner => inner.Failures)];
        }
    }
}
