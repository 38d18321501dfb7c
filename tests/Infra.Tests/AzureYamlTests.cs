using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace Serverless.Infra.Tests;

/// <summary><c>azure.yaml</c>: the services azd deploys exist where it says, and the post-deploy hook can stop a run.</summary>
public sealed class AzureYamlTests
{
    private static readonly YamlMappingNode Root = Load();

    [Fact]
    public void Names_the_functions_app_and_the_companion_with_their_hosts()
    {
        var functions = Service("functions");
        Assert.Equal("function", Scalar(functions, "host"));
        Assert.Equal("dotnet", Scalar(functions, "language"));
        Assert.True(File.Exists(Path.Combine(ProjectFolder(functions), "Serverless.Functions.csproj")));

        var companion = Service("companion");
        Assert.Equal("containerapp", Scalar(companion, "host"));
        Assert.True(File.Exists(Path.Combine(ProjectFolder(companion), "Serverless.Companion.csproj")));
    }

    [Fact]
    public void The_companion_image_is_built_remotely_from_its_dockerfile_with_the_repository_root_as_context()
    {
        var companion = Service("companion");
        var docker = (YamlMappingNode)companion.Children[new YamlScalarNode("docker")];
        var folder = ProjectFolder(companion);

        // azd resolves both paths from the service's project folder.
        var dockerfile = Path.GetFullPath(Path.Combine(folder, Scalar(docker, "path")));
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "src", "Companion", "Dockerfile"), dockerfile);
        Assert.Equal(Path.TrimEndingDirectorySeparator(RepositoryPaths.Root), Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(folder, Scalar(docker, "context")))));
        Assert.Equal("true", Scalar(docker, "remoteBuild"));

        // Everything the Dockerfile copies is there relative to that context.
        var copies = File.ReadAllLines(dockerfile)
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]);
        Assert.All(copies, source => Assert.True(Path.Exists(Path.Combine(RepositoryPaths.Root, source)), $"the Dockerfile copies {source}, which is not in the repository"));
    }

    [Fact]
    public void The_dockerfile_copies_every_project_the_companion_references()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Companion", "Dockerfile"));

        foreach (var project in ProjectClosure(Path.Combine(RepositoryPaths.Root, "src", "Companion", "Serverless.Companion.csproj")))
        {
            var relative = Path.GetRelativePath(RepositoryPaths.Root, project).Replace('\\', '/');
            var folder = Path.GetDirectoryName(relative)!.Replace('\\', '/');
            // The project file alone for the restore layer, then the whole folder for the build.
            Assert.Contains($"COPY {relative} {folder}/", dockerfile, StringComparison.Ordinal);
            Assert.Contains($"COPY {folder}/ {folder}/", dockerfile, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_postdeploy_hook_deploys_the_commands_and_smoke_checks_and_stops_the_run_on_failure()
    {
        var hook = (YamlMappingNode)((YamlMappingNode)Root.Children[new YamlScalarNode("hooks")]).Children[new YamlScalarNode("postdeploy")];
        foreach (var platform in new[] { "posix", "windows" })
        {
            var script = (YamlMappingNode)hook.Children[new YamlScalarNode(platform)];
            Assert.Equal("false", Scalar(script, "continueOnError"));
            var run = Scalar(script, "run");
            Assert.Contains("commands deploy", run, StringComparison.Ordinal);
            Assert.Contains("smoke --url", run, StringComparison.Ordinal);
            Assert.Contains("FUNCTION_APP_URL", run, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "src", "Ops", "Serverless.Ops.csproj")));
    }

    [Fact]
    public void Infra_points_at_the_bicep_that_exists()
    {
        var infra = (YamlMappingNode)Root.Children[new YamlScalarNode("infra")];
        Assert.Equal("bicep", Scalar(infra, "provider"));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, Scalar(infra, "path"), Scalar(infra, "module") + ".bicep")));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, Scalar(infra, "path"), Scalar(infra, "module") + ".parameters.json")));
    }

    /// <summary>The project and every project it references, directly or not.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
            {
                var include = ((string?)reference.Attribute("Include") ?? "").Replace('\\', Path.DirectorySeparatorChar);
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, include)));
            }
        }

        return seen;
    }

    private static YamlMappingNode Load()
    {
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, "azure.yaml"));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) =>
        (YamlMappingNode)((YamlMappingNode)Root.Children[new YamlScalarNode("services")]).Children[new YamlScalarNode(name)];

    private static string ProjectFolder(YamlMappingNode service) => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, Scalar(service, "project")));

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value ?? "";
}
