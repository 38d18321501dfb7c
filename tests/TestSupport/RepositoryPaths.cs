namespace Serverless.TestSupport;

public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding Serverless.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The Functions project's JIT build output: a complete function app, as the DevHost serves it locally.</summary>
    public static string FunctionsBuildOutput => Path.Combine(Root, "src", "Functions", "bin", Configuration, "net10.0");

    /// <summary>The companion's JIT build output; tests run it as a child process, as the container does.</summary>
    public static string CompanionBuildOutput => Path.Combine(Root, "src", "Companion", "bin", Configuration, "net10.0");

    private const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string FunctionsProject => Path.Combine(Root, "src", "Functions", "Serverless.Functions.csproj");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
