using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Domain.Hosting;

namespace Serverless.Domain.Controls;

public static class OperatorControlsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the cached <see cref="IOperatorControls"/> (<see cref="ControlsOptions.SectionName"/>), the
    /// <see cref="OperatorControlGate"/> and the command limits' defaults (<see cref="CommandLimitOptions.SectionName"/>).
    /// The <see cref="IOperatorControlStore"/> and <see cref="ICommandLimitStore"/> come from storage (<c>AddStorage</c>).
    /// </summary>
    public static IServiceCollection AddOperatorControls(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ControlsOptions>().Bind(configuration.GetSection(ControlsOptions.SectionName)).ValidateOnStartWith<ControlsOptions, ControlsOptionsValidator>();
        services.AddOptions<CommandLimitOptions>().Bind(configuration.GetSection(CommandLimitOptions.SectionName)).ValidateOnStartWith<CommandLimitOptions, CommandLimitOptionsValidator>();
        // A host composed without a control store (some tests) serves no controls; AddStorage registers the real one.
        services.TryAddSingleton<IOperatorControls>(provider => provider.GetService<IOperatorControlStore>() is { } store
            ? new OperatorControlCache(
                store,
                provider.GetRequiredService<IOptions<ControlsOptions>>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<OperatorControlCache>>())
            : NoOperatorControls.Instance);
        services.TryAddSingleton<OperatorControlGate>();
        return services;
    }
}

/// <summary>No switches, blocks or overrides: what a host without a control store serves.</summary>
public sealed class NoOperatorControls : IOperatorControls
{
    public static readonly NoOperatorControls Instance = new();

    public ValueTask<OperatorControlSnapshot> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(OperatorControlSnapshot.Empty);
}
