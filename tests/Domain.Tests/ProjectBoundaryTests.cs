using System.Text.RegularExpressions;
using System.Xml.Linq;
using Serverless.Domain.Commands;
using Serverless.Ports.RateLimiting;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests;

/// <summary>
/// The dependency rules between our projects: Domain holds the bot's rules and Ports the persistence ports that
/// Discord and the companion use and Storage implements; neither depends on another project of ours.
/// </summary>
public sealed partial class ProjectBoundaryTests
{
    /// <summary>Where our projects live: what ships and the local stand-ins.</summary>
    private static readonly string[] ProjectFolders = ["src", "dev"];

    [Theory]
    [InlineData("Domain")]
    [InlineData("Ports")]
    public void TheProject_ReferencesNoOtherProjectOfOurs(string name)
    {
        var project = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", name, $"Serverless.{name}.csproj"));

        Assert.Empty(project.Descendants("ProjectReference"));
    }

    [Fact]
    public void TheAssemblies_OfDomainAndPorts_ReferenceNoAssemblyOfOurs()
    {
        foreach (var assembly in new[] { typeof(CommandCatalog).Assembly, typeof(RateLimitMath).Assembly })
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), reference => reference.Name!.StartsWith("Serverless.", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Domain_HoldsNoneOfThePorts()
    {
        var ports = typeof(RateLimitMath).Assembly.GetExportedTypes().Select(type => type.Name).ToHashSet(StringComparer.Ordinal);
        var domain = typeof(CommandCatalog).Assembly.GetTypes();

        Assert.Contains(nameof(IRateLimitStore), ports);
        Assert.Contains("IGatewaySessionStore", ports);
        Assert.Contains("ILavalinkSessionStore", ports);
        Assert.DoesNotContain(domain, type => ports.Contains(type.Name));
        Assert.DoesNotContain(domain, type => type.Namespace is { } space && (space.EndsWith(".RateLimiting", StringComparison.Ordinal) || space.EndsWith(".Sessions", StringComparison.Ordinal)));
    }

    /// <summary>
    /// <c>Serverless.Domain.Companion</c> once shadowed the Companion project: inside <c>Serverless.Companion.*</c> the
    /// companion had to spell its ports <c>Domain.Companion.X</c>. No namespace below a project's own is named after a project.
    /// </summary>
    [Fact]
    public void NoNamespace_IsNamedAfterAProject()
    {
        var folders = ProjectFolders.Select(folder => Path.Combine(RepositoryPaths.Root, folder)).ToList();
        var projects = folders
            .SelectMany(folder => Directory.EnumerateFiles(folder, "Serverless.*.csproj", SearchOption.AllDirectories))
            .Select(path => Path.GetFileNameWithoutExtension(path)["Serverless.".Length..])
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Companion", projects);
        Assert.Contains("Ports", projects);

        var clashes = folders
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(path))
            .SelectMany(path => NamespaceDeclaration().Matches(File.ReadAllText(path)).Select(match => match.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .Where(space => space.Split('.').Skip(2).Any(projects.Contains))
            .ToList();

        Assert.Empty(clashes);
    }

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
