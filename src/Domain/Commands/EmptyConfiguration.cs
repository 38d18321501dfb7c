using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Serverless.Domain.Commands;

/// <summary>
/// The configuration a feature sees when only its routes are read (<see cref="FeatureCatalog.From"/>): every section is
/// empty, so binding leaves each option at its default.
/// </summary>
internal sealed class EmptyConfiguration : IConfigurationSection
{
    public static EmptyConfiguration Root { get; } = new(string.Empty);

    private static readonly CancellationChangeToken NeverChanges = new(CancellationToken.None);

    private EmptyConfiguration(string path)
    {
        Path = path;
    }

    public string Key => Path.Split(':')[^1];

    public string Path { get; }

    public string? Value
    {
        get => null;
        set => throw new NotSupportedException("The catalog-only configuration is read-only.");
    }

    public string? this[string key]
    {
        get => null;
        set => throw new NotSupportedException("The catalog-only configuration is read-only.");
    }

    public IEnumerable<IConfigurationSection> GetChildren() => [];

    public IChangeToken GetReloadToken() => NeverChanges;

    public IConfigurationSection GetSection(string key) =>
        new EmptyConfiguration(Path.Length == 0 ? key : Path + ":" + key);
}
