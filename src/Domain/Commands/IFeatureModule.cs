namespace Serverless.Domain.Commands;

/// <summary>
/// One feature of the bot (a folder under <c>Features</c>): declares, in <see cref="Register"/>, its slash commands,
/// its button and form custom_id prefixes, where each one's work runs, its options and its services. Added to an app
/// with one <c>services.AddFeature(new XFeature(), configuration)</c>; the bot's own are listed in
/// <see cref="CommandCatalog.Features"/>.
/// </summary>
public interface IFeatureModule
{
    /// <summary>Short and stable: queued component work carries it as its command name, and the companion keys voice work by it.</summary>
    string Name { get; }

    void Register(FeatureBuilder feature);
}

/// <summary>What one <see cref="IFeatureModule"/> declared: its routes, in order.</summary>
public sealed record FeatureRegistration(string Name, IReadOnlyList<InteractionRoute> Routes);
