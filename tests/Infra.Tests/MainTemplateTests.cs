using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Discord;
using Serverless.Storage;
using Serverless.Storage.Queues;

namespace Serverless.Infra.Tests;

/// <summary>
/// <c>infra/main.bicep</c> compiled by the Bicep CLI: what Azure will be asked to create, checked against the code that
/// will run there.
/// </summary>
public sealed class MainTemplateTests(CompiledTemplateFixture compiled) : IClassFixture<CompiledTemplateFixture>
{
    // Built-in role definition ids (the same in every tenant).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";


    /// <summary>Keys the Functions host itself reads (not our code), so not in the README's table.</summary>
    private static readonly string[] HostPlatformKeys = ["AzureWebJobsStorage__credential"];

    private ArmTemplate Template => compiled.Template;

    [Fact]
    public void Compiles_and_lints_without_a_warning()
    {
        Assert.True(compiled.Build.ExitCode == 0, compiled.Build.Error);
        // Compiler and linter diagnostics both go to stderr; the template alone to stdout.
        Assert.Equal("", compiled.Build.Error.Trim());
        Assert.StartsWith("{", compiled.Build.Output.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_app_is_flex_consumption_dotnet_isolated_10_with_one_always_ready_http_instance()
    {
        var plan = Assert.Single(Template.OfType("Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", (string?)plan.Node["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan.Node["sku"]!["tier"]);
        Assert.True((bool?)plan.Properties!["reserved"], "Flex Consumption runs on Linux: reserved must be true");

        var site = FunctionApp();
        Assert.Equal("functionapp,linux", (string?)site.Node["kind"]);
        var config = site.Properties!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);

        var scale = config["scaleAndConcurrency"]!;
        var http = Assert.Single(scale["alwaysReady"]!.AsArray(), group => (string?)group!["name"] == "http");
        Assert.Equal(1, (int)http!["instanceCount"]!);
        Assert.StartsWith("[parameters(", (string?)scale["instanceMemoryMB"], StringComparison.Ordinal);
        Assert.StartsWith("[parameters(", (string?)scale["maximumInstanceCount"], StringComparison.Ordinal);

        var deployment = config["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", (string?)deployment["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)deployment["authentication"]!["type"]);
    }

    [Fact]
    public void The_function_app_has_every_setting_its_validators_require()
    {
        var configuration = ConfigurationOf(FunctionAppSettings());

        AssertNothingMissing(new DiscordOptionsValidator().Validate(null, Bind<DiscordOptions>(configuration, DiscordOptions.SectionName)));
        // Scheduled posts and the health probe call Discord as the bot.
        AssertNothingMissing(new DiscordBotCallerValidator().Validate(null, Bind<DiscordOptions>(configuration, DiscordOptions.SectionName)));
        AssertNothingMissing(new StorageOptionsValidator().Validate(null, StorageOptions.From(configuration)));
        Assert.Equal("managedidentity", FunctionAppSettings()["AzureWebJobsStorage__credential"]);
    }

    [Fact]
    public void The_companion_has_every_setting_its_validators_require_and_music_on()
    {
        var configuration = ConfigurationOf(CompanionEnvironment());

        AssertNothingMissing(new DiscordGatewayCredentialsValidator().Validate(null, Bind<DiscordOptions>(configuration, DiscordOptions.SectionName)));
        AssertNothingMissing(new StorageOptionsValidator().Validate(null, StorageOptions.From(configuration)));
        var lavalink = Bind<LavalinkOptions>(configuration, LavalinkOptions.SectionName);
        Assert.True(lavalink.IsConfigured, "Lavalink__Url and Lavalink__Password must both be set, or music is off");
        AssertNothingMissing(new LavalinkOptionsValidator().Validate(null, lavalink));
    }

    [Fact]
    public void Every_setting_is_a_key_of_the_readme_configuration_table()
    {
        var documented = ReadmeConfigurationKeys.Read();
        var settings = FunctionAppSettings().Keys.Concat(CompanionEnvironment().Keys).Except(HostPlatformKeys);

        Assert.All(settings, key => Assert.True(documented.Covers(key), $"{key} is set by infra/ but not in the README's configuration table"));
    }

    [Fact]
    public void Secrets_are_key_vault_references_and_never_plain_values()
    {
        // The bot token is read from Key Vault by both processes themselves (rotation without a restart): each is given
        // the secret's versionless URI and the identity to read it as, never the token.
        var companion = Companion();
        foreach (var settings in new[] { FunctionAppSettings(), CompanionEnvironment() })
        {
            Assert.False(settings.ContainsKey("Discord__BotToken"), "the bot token must not be an app setting or container secret");
            Assert.Contains("discordBotTokenSecretUri", Expression(settings["Discord__BotTokenSecretUri"]), StringComparison.Ordinal);
            Assert.Contains("identityClientId", Expression(settings["Discord__KeyVaultClientId"]), StringComparison.Ordinal);
        }

        AssertKeyVaultSecretRef(companion, "Lavalink__Password");

        AssertKeyVaultSecretRef(Lavalink(), "LAVALINK_SERVER_PASSWORD");

        // The secure parameters reach only the module that writes the Key Vault secrets.
        var secure = Template.Root["parameters"]!.AsObject().Where(parameter => (string?)parameter.Value!["type"] == "securestring").ToList();
        Assert.Equal(2, secure.Count);
        Assert.All(secure, parameter => Assert.Null(parameter.Value!["defaultValue"]));
        foreach (var module in Modules())
        {
            var passesSecret = secure.Any(parameter => module["properties"]!["parameters"]!.ToJsonString().Contains($"parameters('{parameter.Key}')", StringComparison.Ordinal));
            var writesSecrets = module["properties"]!["template"]!.ToJsonString().Contains("Microsoft.KeyVault/vaults/secrets", StringComparison.Ordinal);
            Assert.True(!passesSecret || writesSecrets, $"module {module["name"]} receives a secret but does not store it in Key Vault");
        }

        var vault = Assert.Single(Template.OfType("Microsoft.KeyVault/vaults"));
        Assert.True((bool?)vault.Properties!["enableRbacAuthorization"]);
        Assert.Equal(2, Template.OfType("Microsoft.KeyVault/vaults/secrets").Count());
    }

    [Fact]
    public void No_connection_string_or_key_is_in_an_app_setting_an_environment_variable_or_an_output()
    {
        var values = FunctionAppSettings().Select(setting => (Where: "app setting " + setting.Key, Value: setting.Value))
            .Concat(CompanionEnvironment().Select(variable => (Where: "companion env " + variable.Key, Value: variable.Value)))
            .Concat(Template.Outputs.Select(output => (Where: "output " + output.Name, Value: output.Output["value"]?.ToJsonString() ?? "")));
        string[] forbidden = ["AccountKey=", "listKeys(", "listKeys ", "SharedAccessSignature", "DefaultEndpointsProtocol", "primaryKey", "primarySharedKey"];

        Assert.All(values, entry => Assert.DoesNotContain(forbidden, word => entry.Value.Contains(word, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain("AzureWebJobsStorage", FunctionAppSettings().Keys);
        Assert.DoesNotContain("AzureWebJobsStorage", CompanionEnvironment().Keys);
        Assert.All(Template.Outputs, output => Assert.NotEqual("securestring", (string?)output.Output["type"]));

        var storage = Assert.Single(Template.OfType("Microsoft.Storage/storageAccounts"));
        Assert.False((bool?)storage.Properties!["allowSharedKeyAccess"]);
        var insights = Assert.Single(Template.OfType("Microsoft.Insights/components"));
        Assert.True((bool?)insights.Properties!["DisableLocalAuth"]);
        var registry = Assert.Single(Template.OfType("Microsoft.ContainerRegistry/registries"));
        Assert.False((bool?)registry.Properties!["adminUserEnabled"]);
    }

    [Fact]
    public void Each_role_assignment_is_a_narrow_built_in_role_on_one_resource()
    {
        var assignments = Template.OfType("Microsoft.Authorization/roleAssignments").ToList();
        var roles = assignments.Select(assignment => RoleGuid(assignment)).ToList();

        Assert.Equal(
            new[] { AcrPull, KeyVaultSecretsOfficer, KeyVaultSecretsUser, MonitoringMetricsPublisher, StorageBlobDataOwner, StorageQueueDataContributor, StorageQueueDataContributor, StorageTableDataContributor }.Order(),
            roles.Order());
        // Scoped to the resource the role is about, never the resource group or subscription.
        Assert.All(assignments, assignment => Assert.False(string.IsNullOrEmpty((string?)assignment.Node["scope"]), assignment.ToString()));
        // Only the operator's rotation role and the queue role of the smoke check's probe go to the deploying
        // principal; everything else to the apps' identity.
        var operatorRoles = assignments.Where(assignment => ((string?)assignment.Properties!["principalId"])!.Contains("operatorPrincipalId", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { KeyVaultSecretsOfficer, StorageQueueDataContributor }.Order(), operatorRoles.Select(RoleGuid).Order());
        Assert.All(assignments.Except(operatorRoles), assignment =>
            Assert.Contains("identityPrincipalId", (string?)assignment.Properties!["principalId"], StringComparison.Ordinal));
    }

    [Fact]
    public void Every_queue_of_the_code_and_its_poison_queue_is_created()
    {
        var created = Template.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").SelectMany(queue => queue.LoopElements()).ToHashSet();

        Assert.NotEmpty(QueueNames.Work);
        Assert.All(QueueNames.Work, queue =>
        {
            Assert.Contains(queue, created);
            Assert.Contains(QueueNames.Poison(queue), created);
        });
    }

    [Fact]
    public void Every_table_of_the_code_is_created()
    {
        var created = Template.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").SelectMany(table => table.LoopElements()).ToHashSet();

        var tables = CodeTableNames();
        Assert.NotEmpty(tables);
        Assert.All(tables, table => Assert.Contains(table, created));
    }

    [Fact]
    public void The_companion_runs_exactly_one_replica_with_readiness_on_healthz_and_time_to_stop()
    {
        var companion = Companion();
        var template = companion.Properties!["template"]!;
        Assert.Equal(1, (int)template["scale"]!["minReplicas"]!);
        Assert.Equal(1, (int)template["scale"]!["maxReplicas"]!);
        // The companion needs 15 s after SIGTERM to close the gateway resumably.
        Assert.True((int)template["terminationGracePeriodSeconds"]! >= 30);

        // Only with the real image (a placeholder runs before azd's first deploy): readiness, never liveness.
        var probes = companion.Resolve(Expression(template["containers"]![0]!["probes"]));
        Assert.Contains("'type', 'Readiness'", probes, StringComparison.Ordinal);
        Assert.Contains("'/healthz'", probes, StringComparison.Ordinal);
        Assert.DoesNotContain("Liveness", probes, StringComparison.Ordinal);
        Assert.Contains("8080", probes, StringComparison.Ordinal);
        Assert.Contains("'azd-service-name', 'companion'", (string?)companion.Node["tags"], StringComparison.Ordinal);
    }

    [Fact]
    public void Lavalink_is_reachable_only_inside_the_environment()
    {
        var lavalink = Lavalink();
        var ingress = lavalink.Properties!["configuration"]!["ingress"]!;
        Assert.False((bool)ingress["external"]!);
        Assert.Equal("2333", lavalink.Resolve(Expression(ingress["targetPort"])).Trim('[', ']'));
        Assert.StartsWith("ghcr.io/lavalink-devs/lavalink:4", (string?)Template.Root["parameters"]!["lavalinkImage"]!["defaultValue"], StringComparison.Ordinal);
        Assert.Equal(1, (int)lavalink.Properties!["template"]!["scale"]!["maxReplicas"]!);
        Assert.Single(Template.OfType("Microsoft.App/containerApps"), app => app.Properties!["configuration"]!["ingress"] is not null);
    }

    [Fact]
    public void Outputs_name_what_azd_and_the_hooks_read()
    {
        var outputs = Template.Root["outputs"]!.AsObject().Select(output => output.Key).ToList();

        Assert.Contains("AZURE_CONTAINER_REGISTRY_ENDPOINT", outputs);
        Assert.Contains("FUNCTION_APP_URL", outputs);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_NAME", outputs);
        Assert.Contains("AZURE_MANAGED_IDENTITY_CLIENT_ID", outputs);
        Assert.Contains("AZURE_KEY_VAULT_NAME", outputs);
        // azure.yaml's hook reads the URL; azd finds the registry through this name.
        Assert.Contains("FUNCTION_APP_URL", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure.yaml")), StringComparison.Ordinal);
    }

    private ArmResource FunctionApp() => Assert.Single(Template.OfType("Microsoft.Web/sites"));

    private ArmResource Companion() => ContainerApp("companion");

    private ArmResource Lavalink() => ContainerApp("lavalink");

    private ArmResource ContainerApp(string containerName) => Assert.Single(
        Template.OfType("Microsoft.App/containerApps"),
        app => (string?)app.Properties!["template"]!["containers"]![0]!["name"] == containerName);

    private IEnumerable<JsonObject> Modules() => (Template.Root["resources"] as JsonArray ?? [])
        .Select(node => node!.AsObject())
        .Where(node => (string?)node["type"] == "Microsoft.Resources/deployments");

    private Dictionary<string, string> FunctionAppSettings() => FunctionApp().Properties!["siteConfig"]!["appSettings"]!.AsArray()
        .ToDictionary(setting => (string)setting!["name"]!, setting => Expression(setting!["value"]));

    /// <summary>The companion's environment; a secret reference reads as <c>secretref:NAME</c>.</summary>
    private Dictionary<string, string> CompanionEnvironment() => Companion().Properties!["template"]!["containers"]![0]!["env"]!.AsArray()
        .ToDictionary(
            variable => (string)variable!["name"]!,
            variable => variable!["secretRef"] is { } secret ? "secretref:" + (string)secret! : Expression(variable["value"]));

    private static void AssertKeyVaultSecretRef(ArmResource app, string variableName)
    {
        var variable = Assert.Single(app.Properties!["template"]!["containers"]![0]!["env"]!.AsArray(), env => (string?)env!["name"] == variableName);
        Assert.Null(variable!["value"]);
        var secretName = (string?)variable["secretRef"];
        var secret = Assert.Single(app.Properties!["configuration"]!["secrets"]!.AsArray(), entry => (string?)entry!["name"] == secretName);
        Assert.False(string.IsNullOrEmpty((string?)secret!["keyVaultUrl"]), $"{variableName}: secret {secretName} must come from Key Vault");
        Assert.False(string.IsNullOrEmpty((string?)secret["identity"]), $"{variableName}: secret {secretName} must be read as the managed identity");
        Assert.Null(secret["value"]);
    }

    private static string RoleGuid(ArmResource assignment)
    {
        var definition = assignment.Resolve((string)assignment.Properties!["roleDefinitionId"]!);
        return Regex.Match(definition, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").Value;
    }

    /// <summary>Every table name constant of Serverless.Storage (<c>TableName</c>, <c>PostsTable</c>, …).</summary>
    private static List<string> CodeTableNames() => typeof(StorageAccount).Assembly.GetTypes()
        .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(field => field.IsLiteral && field.FieldType == typeof(string) && field.Name.EndsWith("Table", StringComparison.Ordinal) || field.IsLiteral && field.Name == "TableName")
        .Select(field => (string)field.GetRawConstantValue()!)
        .Distinct()
        .ToList();

    private static string Expression(JsonNode? value) => value switch
    {
        null => "",
        JsonValue text when text.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static IConfiguration ConfigurationOf(Dictionary<string, string> settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key.Replace("__", ":", StringComparison.Ordinal), setting.Value)))
        .Build();

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

    /// <summary>
    /// Values here are ARM expressions, not real ids, so "malformed" is expected; a key the template does not set shows
    /// as "is missing".
    /// </summary>
    private static void AssertNothingMissing(ValidateOptionsResult result) =>
        Assert.DoesNotContain(result.Failures ?? [], failure => failure.Contains("is missing", StringComparison.Ordinal));
}
