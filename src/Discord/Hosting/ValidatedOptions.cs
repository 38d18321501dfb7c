using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Discord.Hosting;

/// <summary>
/// The one way an <c>AddX</c> method registers its options: it binds its own section, then
/// <c>.Bind(configuration.GetSection(X.SectionName)).ValidateOnStartWith&lt;X, XValidator&gt;()</c>, an
/// <see cref="IValidateOptions{TOptions}"/> class whose failures name the environment variable. At start
/// <see cref="StartupConfiguration.Failures"/> lists every failure, and the host exits.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Adds <typeparamref name="TValidator"/> (once, however often it is called) and validates at start. Also for a rule
    /// only one host needs on options another <c>AddX</c> binds, such as <see cref="DiscordOptionsValidator"/>.
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
