using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Hosting;

namespace Serverless.Domain.Commands;

/// <summary>
/// Collects one feature's routes and registers its handler classes (as singletons, unless the feature or the host
/// registered them already). A feature declares its options with <see cref="AddOptions{TOptions, TValidator}"/>, bound
/// from <see cref="Configuration"/>, and adds any other services it needs through <see cref="Services"/>.
/// </summary>
public sealed class FeatureBuilder
{
    private readonly string _feature;
    private readonly List<InteractionRoute> _routes = [];

    /// <param name="configuration">The app's configuration; null when only the routes are read, which binds every option to its default.</param>
    public FeatureBuilder(string feature, IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feature);
        ArgumentNullException.ThrowIfNull(services);
        _feature = feature;
        Services = services;
        Configuration = configuration ?? EmptyConfiguration.Root;
    }

    public IServiceCollection Services { get; }

    /// <summary>Where the feature binds its options section from (empty when only its routes are read).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>
    /// Declares options of the feature, validated at start by <typeparamref name="TValidator"/> (whose failures name the
    /// environment variable, e.g. <c>Wave__Greeting</c>): the host prints every failure and exits. The feature binds
    /// its own section on the builder returned:
    /// <c>feature.AddOptions&lt;X, XValidator&gt;().Bind(feature.Configuration.GetSection(X.SectionName))</c>.
    /// </summary>
    public OptionsBuilder<TOptions> AddOptions<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>()
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        return Services.AddOptions<TOptions>().ValidateOnStartWith<TOptions, TValidator>();
    }

    /// <summary>
    /// A slash command the Functions app runs: answered inline or deferred to its worker, as
    /// <see cref="CommandDefinition.ResponseMode"/> says.
    /// </summary>
    public FeatureBuilder AddCommand<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(CommandDefinition definition)
        where THandler : class, ICommandHandler
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.ResponseMode == CommandResponseMode.DeferredToVoice)
        {
            throw new ArgumentException($"/{definition.Name} is deferred to the companion: declare it with {nameof(AddCompanionCommand)}.", nameof(definition));
        }

        Services.TryAddSingleton<THandler>();
        return Add(RouteKind.Command, definition.Name, definition.ResponseMode, typeof(THandler), definition);
    }

    /// <summary>
    /// A slash command the companion runs (<see cref="CommandResponseMode.DeferredToVoice"/>): acknowledged with type 5
    /// and queued on the <c>voice</c> queue, where the companion's handler registered under this feature's name takes it.
    /// </summary>
    public FeatureBuilder AddCompanionCommand(CommandDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.ResponseMode != CommandResponseMode.DeferredToVoice)
        {
            throw new ArgumentException($"/{definition.Name} must declare {nameof(CommandResponseMode.DeferredToVoice)} to be run by the companion.", nameof(definition));
        }

        return Add(RouteKind.Command, definition.Name, CommandResponseMode.DeferredToVoice, handler: null, definition);
    }

    /// <summary>
    /// Buttons (or select menus) whose custom_id starts with <paramref name="customIdPrefix"/>: acknowledged with type 6
    /// and queued for the Functions worker, which runs <typeparamref name="THandler"/> with the custom_id as option
    /// <see cref="InteractionRoute.ComponentOption"/>.
    /// </summary>
    public FeatureBuilder AddComponent<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string customIdPrefix)
        where THandler : class, ICommandHandler
    {
        Services.TryAddSingleton<THandler>();
        return Add(RouteKind.Component, customIdPrefix, CommandResponseMode.Deferred, typeof(THandler), definition: null);
    }

    /// <summary>
    /// Buttons whose click is answered inline by <typeparamref name="THandler"/>, within Discord's three seconds: for
    /// a click that opens a form (<see cref="CommandReply.WithModal"/>), which Discord accepts only as the immediate
    /// answer. The handler must be quick (a read or two) and must not change state; the form's submit does that.
    /// </summary>
    public FeatureBuilder AddInlineComponent<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string customIdPrefix)
        where THandler : class, ICommandHandler
    {
        Services.TryAddSingleton<THandler>();
        return Add(RouteKind.Component, customIdPrefix, CommandResponseMode.Inline, typeof(THandler), definition: null);
    }

    /// <summary>Buttons whose clicks go to the companion over the <c>voice</c> queue (acknowledged with type 6).</summary>
    public FeatureBuilder AddCompanionComponent(string customIdPrefix) =>
        Add(RouteKind.Component, customIdPrefix, CommandResponseMode.DeferredToVoice, handler: null, definition: null);

    /// <summary>
    /// Forms whose custom_id starts with <paramref name="customIdPrefix"/>: answered inline, or by the Functions worker
    /// when the handler is too slow to answer within the request.
    /// </summary>
    public FeatureBuilder AddForm<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string customIdPrefix)
        where THandler : class, IModalHandler
    {
        Services.TryAddSingleton<THandler>();
        return Add(RouteKind.Form, customIdPrefix, CommandResponseMode.Inline, typeof(THandler), definition: null);
    }

    public FeatureRegistration Build() => new(_feature, [.. _routes]);

    private FeatureBuilder Add(RouteKind kind, string key, CommandResponseMode execution, Type? handler, CommandDefinition? definition)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _routes.Add(new InteractionRoute
        {
            Kind = kind,
            Key = key,
            Feature = _feature,
            Execution = execution,
            Handler = handler,
            Definition = definition,
        });
        return this;
    }
}
