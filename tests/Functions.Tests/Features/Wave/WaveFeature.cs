using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;

namespace Serverless.Functions.Tests.Features.Wave;

/// <summary>
/// A feature added the way the README's "Adding a feature" says, outside the app: <c>/wave</c>, whose work is
/// deferred to the Functions worker, a "wave again" button the worker handles too, and its greeting bound from
/// <c>Wave__Greeting</c>.
/// </summary>
public sealed class WaveFeature : IFeatureModule
{
    public string Name => WaveCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<WaveOptions, WaveOptionsValidator>().Bind(feature.Configuration.GetSection(WaveOptions.SectionName));
        feature
            .AddCommand<WaveCommand>(WaveCommand.Definition)
            .AddComponent<WaveAgainButton>(WaveAgainButton.Prefix);
    }
}

/// <summary>The <c>Wave</c> section (environment: <c>Wave__*</c>).</summary>
public sealed class WaveOptions
{
    public const string SectionName = "Wave";

    public string Greeting { get; set; } = "waves";
}

public sealed class WaveOptionsValidator : IValidateOptions<WaveOptions>
{
    public ValidateOptionsResult Validate(string? name, WaveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Greeting) || options.Greeting.Length > 100
            ? ValidateOptionsResult.Fail("Wave__Greeting must be 1 to 100 characters.")
            : ValidateOptionsResult.Success;
    }
}

/// <summary><c>/wave</c>: answered "thinking…" at once, then edited by the worker.</summary>
public sealed class WaveCommand(IOptions<WaveOptions> options) : ICommandHandler
{
    public const string Name = "wave";

    public static CommandDefinition Definition { get; } = new()
    {
        Name = Name,
        Description = "Wave at the channel",
        ResponseMode = CommandResponseMode.Deferred,
        Ephemeral = true,
    };

    public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        return ValueTask.FromResult(new CommandReply($"<@{invocation.UserId}> {options.Value.Greeting}.", Definition.Ephemeral));
    }
}

/// <summary>The button under a wave: its click is queued for the worker, which runs this.</summary>
public sealed class WaveAgainButton : ICommandHandler
{
    public const string Prefix = "wave:";

    public const string Again = Prefix + "again";

    public ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var clicked = invocation.Options[InteractionRoute.ComponentOption];
        return ValueTask.FromResult(new CommandReply($"<@{invocation.UserId}> waves again ({clicked}).", Ephemeral: false));
    }
}
