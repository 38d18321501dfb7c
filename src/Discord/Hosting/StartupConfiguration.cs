using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;

namespace Serverless.Discord.Hosting;

/// <summary>Start-up validation for both hosts (the Functions worker and the companion).</summary>
public static class StartupConfiguration
{
    /// <summary>
    /// Runs every start-up validation and returns the failures, each naming its setting, so that bad
    /// configuration stops the app with clear lines rather than a stack trace. Also builds the
    /// <see cref="FeatureCatalog"/> (when the host has one), so that two features claiming the same command or
    /// custom_id prefix stop the process here, with a line naming both, rather than at the first interaction.
    /// </summary>
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<FeatureCatalog>();
        }
        catch (FeatureConflictException exception)
        {
            return [.. OptionsFailures(services), exception.Message];
        }

        return OptionsFailures(services);
    }

    private static IReadOnlyList<string> OptionsFailures(IServiceProvider services)
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
