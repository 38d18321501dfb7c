using System.Text.Json.Nodes;

namespace Serverless.Infra.Tests;

/// <summary>
/// Compiles <c>infra/main.bicep</c> once for the whole class (a build takes seconds); the tests read the ARM JSON and the
/// diagnostics. A build runs the linter too (with bicepconfig's rules, the defaults here), so its warnings are the lint's.
/// </summary>
public sealed class CompiledTemplateFixture : IAsyncLifetime
{
    public const string MainFile = "infra/main.bicep";

    public BicepResult Build { get; private set; } = new(-1, "", "");

    public ArmTemplate Template { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync("build", MainFile, "--stdout");
        Template = new ArmTemplate(JsonNode.Parse(Build.ExitCode == 0 ? Build.Output : "{}")!.AsObject());
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
