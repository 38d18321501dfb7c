using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Discord.Commands;
using Serverless.Domain.Commands;
using Serverless.Sandbox.Hosting;

namespace Serverless.Ops.Tests;

public sealed class CommandsCliTests : IAsyncLifetime
{
    private const ulong GuildId = 900000000000000001;

    private SandboxServer _sandbox = null!;
    private readonly string _directory = Directory.CreateTempSubdirectory("ops-tests-").FullName;

    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private Dictionary<string, string?> Environment => OpsRun.EnvironmentFor(_sandbox);

    private static string Guild => GuildId.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Export_WritesTheCodesManifestToStandardOutput()
    {
        var run = await OpsRun.RunAsync(new Dictionary<string, string?>(), "commands", "export");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions)), run.Output);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Export_WithOut_WritesTheFile()
    {
        var file = Path.Combine(_directory, "commands.json");

        var run = await OpsRun.RunAsync(new Dictionary<string, string?>(), "commands", "export", "--out", file);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions)), await File.ReadAllTextAsync(file));
        Assert.Contains(file, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AsJson_PrintsTheManifestAlone_OrWithOutTheFileAndCount()
    {
        var file = Path.Combine(_directory, "commands.json");

        var manifest = await OpsRun.RunAsync(new Dictionary<string, string?>(), "commands", "export", "--output", "json");
        var written = await OpsRun.RunAsync(new Dictionary<string, string?>(), "commands", "export", "--out", file, "--output", "json");

        Assert.Equal(CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions)), manifest.Output);
        Assert.True(written.ExitCode == ExitCodes.Ok, written.ToString());
        Assert.Equal(file, written.Json().GetProperty("file").GetString());
        Assert.Equal(CommandCatalog.Definitions.Count, written.Json().GetProperty("commands").GetInt32());
    }

    [Fact]
    public async Task Deploy_ThenCheck_ExitsZero()
    {
        var deploy = await OpsRun.RunAsync(Environment, "commands", "deploy", "--yes");
        var check = await OpsRun.RunAsync(Environment, "commands", "check");

        Assert.True(deploy.ExitCode == ExitCodes.Ok, deploy.ToString());
        Assert.Equal("Deployed 11 commands to the global commands (application " + _sandbox.ApplicationId + "): ping, help, status, schedule, music, admin, duel, pair, oracle, raid, hall", deploy.OutputLines.Single());
        Assert.Equal(["ping", "help", "status", "schedule", "music", "admin", "duel", "pair", "oracle", "raid", "hall"], _sandbox.State.Commands().Select(command => command.Name));
        Assert.True(check.ExitCode == ExitCodes.Ok, check.ToString());
        Assert.StartsWith("No drift: the 11 commands of the global commands", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_WithoutYes_OrAsADryRun_LeavesDiscordAlone()
    {
        var refused = await OpsRun.RunAsync(Environment, "commands", "deploy");
        var dryRun = await OpsRun.RunAsync(Environment, "commands", "deploy", "--dry-run");

        Assert.Equal(ExitCodes.UsageOrConfiguration, refused.ExitCode);
        Assert.Contains("Add --yes", refused.Error, StringComparison.Ordinal);
        Assert.True(dryRun.ExitCode == ExitCodes.Ok, dryRun.ToString());
        Assert.Equal("Dry run: a deploy would replace the 0 commands of the global commands (application " + _sandbox.ApplicationId + ") with the manifest's 11:", dryRun.OutputLines[0]);
        Assert.Contains("+ added ping", dryRun.OutputLines);
        Assert.Empty(_sandbox.State.Commands());
    }

    [Fact]
    public async Task DeployAndCheck_AsJson_PrintOneDocument()
    {
        var deploy = await OpsRun.RunAtTerminalAsync("y\n", Environment, "commands", "deploy", "--output", "json");
        var check = await OpsRun.RunAsync(Environment, "commands", "check", "--manifest", await WriteManifestAsync("[]"), "--output", "json");

        Assert.True(deploy.ExitCode == ExitCodes.Ok, deploy.ToString());
        var deployed = deploy.Json().GetProperty("commands").EnumerateArray().Select(name => name.GetString()).ToList();
        Assert.Equal(["ping", "help", "status", "schedule", "music", "admin", "duel", "pair", "oracle", "raid", "hall"], deployed);
        Assert.Equal(_sandbox.ApplicationId.ToString(CultureInfo.InvariantCulture), deploy.Json().GetProperty("applicationId").GetString());
        Assert.Equal(ExitCodes.Drift, check.ExitCode);
        var result = check.Json();
        Assert.True(result.GetProperty("drifted").GetBoolean());
        Assert.Equal(deployed.Count, result.GetProperty("removed").GetInt32());
        Assert.Equal("removed", result.GetProperty("drift")[0].GetProperty("kind").GetString());
    }

    private async Task<string> WriteManifestAsync(string json)
    {
        var file = Path.Combine(_directory, $"manifest-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        return file;
    }

    [Fact]
    public async Task Deploy_SendsTheBulkOverwriteBody()
    {
        await OpsRun.RunAsync(Environment, "commands", "deploy", "--yes");

        var status = _sandbox.State.Commands().Single(command => command.Name == "status").Json;
        Assert.Equal("32", status.GetProperty("default_member_permissions").GetString());
        Assert.Equal([0], status.GetProperty("contexts").EnumerateArray().Select(context => context.GetInt32()));
        Assert.Equal([0], status.GetProperty("integration_types").EnumerateArray().Select(type => type.GetInt32()));
        Assert.Equal(JsonValueKind.Null, _sandbox.State.Commands().Single(command => command.Name == "ping").Json.GetProperty("default_member_permissions").ValueKind);
    }

    [Fact]
    public async Task Check_WhenDiscordDiffers_ListsAddedRemovedAndChanged_AndExitsOne()
    {
        // Discord's side: help missing, an old command still there, status with another description and permissions.
        var drifted = CommandManifest.Create(CommandCatalog.Definitions).Where(command => command.Name != "help").ToList();
        var status = drifted.Single(command => command.Name == "status");
        status.Description = "Old description";
        status.DefaultMemberPermissions = "8";
        drifted.Add(new ApplicationCommandPayload { Name = "legacy", Type = 1, Description = "Gone from the code" });
        await PutAsync("commands", drifted);

        var check = await OpsRun.RunAsync(Environment, "commands", "check");

        Assert.True(check.ExitCode == ExitCodes.Drift, check.ToString());
        Assert.Equal(
            [
                $"Drift between the manifest and the global commands (application {_sandbox.ApplicationId}):",
                "+ added help",
                "~ changed status: description \"Old description\" -> \"Show whether the bot's storage and Discord connection are healthy\"",
                "~ changed status: default_member_permissions \"8\" -> \"32\"",
                "- removed legacy",
                "1 added, 1 removed, 1 changed. Run 'commands deploy' with the same scope to apply the manifest.",
            ],
            check.OutputLines);
    }

    [Fact]
    public async Task Check_IgnoresServerFieldsAndDefaults()
    {
        // Discord's side as a minimal body: type, contexts, integration_types, nsfw and required left to their defaults.
        var minimal = $$"""
            [{"name":"ping","description":"Check that the bot is alive and how fast it answers"},
             {"name":"help","description":"List the bot's commands","default_member_permissions":null,"nsfw":false},
             {"name":"status","description":"Show whether the bot's storage and Discord connection are healthy","default_member_permissions":"32","contexts":[0],"integration_types":[0],"options":[]},
             {{Minimal("schedule")}},
             {{Minimal("music")}},
             {{Minimal("admin")}},
             {{Minimal("duel")}},
             {{Minimal("pair")}},
             {{Minimal("oracle")}},
             {{Minimal("raid")}},
             {{Minimal("hall")}}]
            """;
        await PutRawAsync("commands", minimal);

        var check = await OpsRun.RunAsync(Environment, "commands", "check");

        Assert.True(check.ExitCode == ExitCodes.Ok, check.ToString());
    }

    /// <summary>The manifest's command without the fields Discord may leave to their defaults (type, integration_types, required false).</summary>
    private static string Minimal(string name)
    {
        var command = JsonNode.Parse(CommandManifest.ToJson(CommandManifest.Create(CommandCatalog.Definitions)))!.AsArray()
            .Single(node => (string?)node!["name"] == name)!.AsObject();
        command.Remove("type");
        command.Remove("integration_types");
        RemoveRequiredFalse(command["options"]!.AsArray());
        return command.ToJsonString();

        static void RemoveRequiredFalse(JsonArray options)
        {
            foreach (var option in options.Select(node => node!.AsObject()))
            {
                if (option["required"]?.GetValue<bool>() == false)
                {
                    option.Remove("required");
                }

                if (option["options"] is JsonArray nested)
                {
                    RemoveRequiredFalse(nested);
                }
            }
        }
    }

    [Fact]
    public async Task Check_ComparesOptions()
    {
        var manifestFile = Path.Combine(_directory, "manifest.json");
        await File.WriteAllTextAsync(manifestFile, """
            [{"name":"play","type":1,"description":"Play","options":[
              {"type":3,"name":"query","description":"What","required":true},
              {"type":5,"name":"loop","description":"Repeat"}]}]
            """);
        await PutRawAsync("commands", """
            [{"name":"play","type":1,"description":"Play","options":[
              {"type":3,"name":"query","description":"What"},
              {"type":4,"name":"volume","description":"How loud"}]}]
            """);

        var check = await OpsRun.RunAsync(Environment, "commands", "check", "--manifest", manifestFile);

        Assert.True(check.ExitCode == ExitCodes.Drift, check.ToString());
        Assert.Contains("~ changed play: options [query, volume] -> [query, loop]", check.OutputLines);
        Assert.Contains("~ changed play: options.query.required false -> true", check.OutputLines);
        Assert.Contains("~ changed play: options.loop.type (none) -> 5", check.OutputLines);
        Assert.Contains("~ changed play: options.volume.type 4 -> (none)", check.OutputLines);
    }

    [Fact]
    public async Task DeployToGuild_TouchesOnlyThatGuild_AndCheckIsPerScope()
    {
        var deploy = await OpsRun.RunAsync(Environment, "commands", "deploy", "--yes", "--guild", Guild);
        var guildCheck = await OpsRun.RunAsync(Environment, "commands", "check", "--guild", Guild);
        var globalCheck = await OpsRun.RunAsync(Environment, "commands", "check");

        Assert.True(deploy.ExitCode == ExitCodes.Ok, deploy.ToString());
        Assert.Equal(["ping", "help", "status", "schedule", "music", "admin", "duel", "pair", "oracle", "raid", "hall"], _sandbox.State.Commands(GuildId).Select(command => command.Name));
        Assert.Empty(_sandbox.State.Commands());
        // contexts and integration_types are for global commands only.
        Assert.All(_sandbox.State.Commands(GuildId), command => Assert.False(command.Json.TryGetProperty("contexts", out _)));
        Assert.True(guildCheck.ExitCode == ExitCodes.Ok, guildCheck.ToString());
        Assert.Contains($"guild {Guild}", guildCheck.Output, StringComparison.Ordinal);
        Assert.True(globalCheck.ExitCode == ExitCodes.Drift, globalCheck.ToString());
        Assert.Equal(["+ added ping", "+ added help", "+ added status", "+ added schedule", "+ added music", "+ added admin", "+ added duel", "+ added pair", "+ added oracle", "+ added raid", "+ added hall"], globalCheck.OutputLines.Where(line => line.StartsWith('+')));
    }

    [Fact]
    public async Task Deploy_WithManifestFile_DeploysThatFile()
    {
        var manifestFile = Path.Combine(_directory, "manifest.json");
        await File.WriteAllTextAsync(manifestFile, """[{"name":"only","type":1,"description":"The only one","options":[],"default_member_permissions":null}]""");

        var deploy = await OpsRun.RunAsync(Environment, "commands", "deploy", "--yes", "--manifest", manifestFile);
        var check = await OpsRun.RunAsync(Environment, "commands", "check", "--manifest", manifestFile);

        Assert.True(deploy.ExitCode == ExitCodes.Ok, deploy.ToString());
        Assert.Equal(["only"], _sandbox.State.Commands().Select(command => command.Name));
        Assert.True(check.ExitCode == ExitCodes.Ok, check.ToString());
    }

    [Fact]
    public async Task Deploy_WithInvalidManifest_ExitsTwoBeforeCallingDiscord()
    {
        var manifestFile = Path.Combine(_directory, "manifest.json");
        await File.WriteAllTextAsync(manifestFile, """[{"name":"Bad Name","type":1,"description":""}]""");

        var run = await OpsRun.RunAsync(Environment, "commands", "deploy", "--yes", "--manifest", manifestFile);

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/Bad Name: the name may only hold", run.Error, StringComparison.Ordinal);
        Assert.Contains("/Bad Name: the description must be 1 to 100 characters", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sandbox.Calls, call => call.Method == "PUT");
    }

    [Theory]
    [InlineData("Discord__BotToken")]
    [InlineData("Discord__ApplicationId")]
    public async Task MissingSetting_ExitsTwoNamingTheKey(string key)
    {
        var environment = Environment;
        environment.Remove(key);

        var run = await OpsRun.RunAsync(environment, "commands", "check");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.StartsWith($"{key} is missing", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(_sandbox.Calls);
    }

    [Fact]
    public async Task WrongToken_ExitsThreeWithStatus_AndNeverPrintsTheToken()
    {
        const string wrongToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-wrong-token";

        var run = await OpsRun.RunAsync(OpsRun.EnvironmentFor(_sandbox, wrongToken), "commands", "deploy", "--yes");

        Assert.Equal(ExitCodes.ServiceOrNetwork, run.ExitCode);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
        Assert.Contains("PUT /applications/{application.id}/commands", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongToken, run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task UnreachableDiscord_ExitsThree()
    {
        var environment = Environment;
        environment["Discord__ApiBaseUrl"] = "http://127.0.0.1:9/api/v10";

        var run = await OpsRun.RunAsync(environment, "commands", "check");

        Assert.Equal(ExitCodes.ServiceOrNetwork, run.ExitCode);
        Assert.StartsWith("Cannot reach Discord", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsFile_SuppliesValues_AndTheEnvironmentWins()
    {
        var settings = Path.Combine(_directory, "local.settings.json");
        await File.WriteAllTextAsync(settings, $$"""
            {
              "IsEncrypted": false,
              "Values": {
                "Discord__ApplicationId": "{{_sandbox.ApplicationId}}",
                "Discord__BotToken": "{{_sandbox.BotToken}}",
                "Discord__ApiBaseUrl": "http://127.0.0.1:9/api/v10"
              }
            }
            """);
        var environment = new Dictionary<string, string?> { ["Discord__ApiBaseUrl"] = _sandbox.ApiBaseUrl };

        var run = await OpsRun.RunAsync(environment, "commands", "deploy", "--yes", "--settings", settings);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(11, _sandbox.State.Commands().Count);
    }

    [Fact]
    public async Task UsageError_ExitsTwo()
    {
        var run = await OpsRun.RunAsync(Environment, "commands", "check", "--guild", "not-a-number");

        Assert.Equal(ExitCodes.UsageOrConfiguration, run.ExitCode);
        Assert.Contains("not-a-number", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_DocumentsTheExitCodes()
    {
        var run = await OpsRun.RunAsync(new Dictionary<string, string?>(), "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(ExitCodes.Help, run.Output, StringComparison.Ordinal);
    }

    private Task PutAsync(string path, IReadOnlyList<ApplicationCommandPayload> commands) =>
        PutRawAsync(path, CommandManifest.ToJson(commands));

    /// <summary>Prepares Discord's side directly, as another deploy (or a person in a hurry) would have left it.</summary>
    private async Task PutRawAsync(string path, string json)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_sandbox.ApiBaseUrl + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bot", _sandbox.BotToken);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync(string.Create(CultureInfo.InvariantCulture, $"applications/{_sandbox.ApplicationId}/{path}"), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
