using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Domain.Hosting;

/// <summary>
/// The one way an <c>AddX</c> method (and a feature module, through <c>FeatureBuilder.AddOptions</c>) registers its
/// options: it binds its own section, then
/// <c>.Bind(configuration.GetSection(X.SectionName)).ValidateOnStartWith&lt;X, XValidator&gt;()</c>, an
/// <see cref="IValidateOptions{TOptions}"/> class whose failures name the environment variable. At start each host's
/// start-up check (<c>StartupConfiguration.Failures</c>) lists every failure, and the host exits.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Adds <typeparamref name="TValidator"/> (once, however often it is called) and validates at start. Also for a rule
    /// only one host needs on options another <c>AddX</c> binds, such as the Discord options' checks only the interactions endpoint needs.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateOnStartWith<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder.ValidateOnStart();
    }
}
