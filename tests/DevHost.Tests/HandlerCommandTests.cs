using Serverless.DevHost.Handler;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Tests.Support;
using Xunit;
using static Serverless.DevHost.Tests.Support.TempFunctionApp;

namespace Serverless.DevHost.Tests;

public sealed class HandlerCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DefaultCommand_IsHostJsonsExecutableInTheScriptRoot_WithItsArgumentsAndTheSettings()
    {
        using var app = Create(HostJson(executable: "Serverless.Functions", arguments: ["--flag", "value"])).WithFunction("tick", TimerIn("0 0 * * * *"));
        app.WriteFile("Serverless.Functions", "an executable");
        var settings = AppSettings.FromValues(new Dictionary<string, string?> { ["Discord__PublicKey"] = "abc" });

        var launch = HandlerCommandResolver.Resolve(new DevHostOptions { ScriptRoot = app.Root }, Load(app, settings), settings);

        Assert.Equal(Path.Combine(app.Root, "Serverless.Functions"), launch.FileName);
        Assert.Equal(["--flag", "value"], launch.Arguments);
        Assert.Equal(app.Root, launch.WorkingDirectory);
        Assert.Equal("abc", launch.Environment["Discord__PublicKey"]);
    }

    [Fact]
    public void DefaultCommand_NotInTheScriptRoot_IsLookedUpOnPath()
    {
        using var app = Create(HostJson(executable: "dotnet", arguments: ["handler.dll"])).WithFunction("tick", TimerIn("0 0 * * * *"));

        var launch = HandlerCommandResolver.Resolve(new DevHostOptions { ScriptRoot = app.Root }, Load(app), AppSettings.FromValues(new Dictionary<string, string?>()));

        Assert.Equal("dotnet", launch.FileName);
        Assert.Equal(["handler.dll"], launch.Arguments);
    }

    [Fact]
    public void DefaultCommand_NowhereToBeFound_FailsWithAHint()
    {
        using var app = Create(HostJson(executable: "Serverless.Functions")).WithFunction("tick", TimerIn("0 0 * * * *"));

        var error = Assert.Throws<DevHostException>(() =>
            HandlerCommandResolver.Resolve(new DevHostOptions { ScriptRoot = app.Root }, Load(app), AppSettings.FromValues(new Dictionary<string, string?>())));

        Assert.Equal(
            $"Handler 'Serverless.Functions' is neither in '{app.Root}' nor on PATH: build or publish the Functions app into the script root, or give the handler command with --handler.",
            error.Message);
    }

    [Fact]
    public void OverrideCommand_ReplacesHostJsonsCommandAndArguments()
    {
        using var app = Create(HostJson(executable: "Serverless.Functions", arguments: ["--ignored"])).WithFunction("tick", TimerIn("0 0 * * * *"));

        var launch = HandlerCommandResolver.Resolve(
            new DevHostOptions { ScriptRoot = app.Root, HandlerCommand = "dotnet", HandlerArguments = ["/abs/Serverless.Functions.dll"] },
            Load(app),
            AppSettings.FromValues(new Dictionary<string, string?>()));

        Assert.Equal("dotnet", launch.FileName);
        Assert.Equal(["/abs/Serverless.Functions.dll"], launch.Arguments);
        Assert.Equal(app.Root, launch.WorkingDirectory);
    }

    private static FunctionAppMetadata Load(TempFunctionApp app, AppSettings? settings = null) =>
        FunctionAppMetadata.Load(app.Root, settings ?? AppSettings.FromValues(new Dictionary<string, string?>()), Now);
}
