using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Identity;
using Serverless.Observability;

namespace Serverless.Infra.Tests;

/// <summary>
/// What <c>infra/</c> watches the bot with: Application Insights signed into with Entra only, the availability test,
/// one alert rule per runbook signal at the seed SLOs, one action group, and the operators' workbook.
/// </summary>
public sealed partial class MonitoringTemplateTests(CompiledTemplateFixture compiled) : IClassFixture<CompiledTemplateFixture>
{
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string ActionGroupType = "Microsoft.Insights/actionGroups";
    private const string MetricAlertType = "Microsoft.Insights/metricAlerts";
    private const string QueryRuleType = "Microsoft.Insights/scheduledQueryRules";

    private ArmTemplate Template => compiled.Template;

    [Fact]
    public void Application_insights_takes_entra_tokens_only_and_the_identity_may_publish()
    {
        var insights = Assert.Single(Template.OfType("Microsoft.Insights/components"));
        Assert.True((bool?)insights.Properties!["DisableLocalAuth"]);

        var publisher = Assert.Single(
            Template.OfType("Microsoft.Authorization/roleAssignments"),
            assignment => ((string?)assignment.Properties!["roleDefinitionId"] ?? "").Contains(MonitoringMetricsPublisher, StringComparison.Ordinal)
                || assignment.Resolve((string)assignment.Properties!["roleDefinitionId"]!).Contains(MonitoringMetricsPublisher, StringComparison.Ordinal));
        Assert.Contains("Microsoft.Insights/components", (string?)publisher.Node["scope"], StringComparison.Ordinal);
        Assert.Contains("identityPrincipalId", (string?)publisher.Properties!["principalId"], StringComparison.Ordinal);
    }

    [Fact]
    public void Both_processes_get_the_connection_string_and_sign_in_as_the_identity()
    {
        var site = Assert.Single(Template.OfType("Microsoft.Web/sites"));
        var functionSettings = site.Properties!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(setting => (string)setting!["name"]!, setting => Text(setting!["value"]));
        var companion = Assert.Single(
            Template.OfType("Microsoft.App/containerApps"),
            app => (string?)app.Properties!["template"]!["containers"]![0]!["name"] == "companion");
        var companionEnvironment = companion.Properties!["template"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(variable => (string)variable!["name"]!, variable => Text(variable!["value"]));

        foreach (var (process, settings) in new[] { ("function app", functionSettings), ("companion", companionEnvironment) })
        {
            Assert.True(settings.ContainsKey(TelemetryOptions.ConnectionStringKey), $"{process}: no {TelemetryOptions.ConnectionStringKey}");
            Assert.True(settings.TryGetValue(TelemetryOptions.AuthenticationStringKey, out var authentication), $"{process}: no {TelemetryOptions.AuthenticationStringKey}");

            // Deployed, the placeholder is the identity's client id: the code must read it as that user-assigned identity.
            var deployed = AsDeployed(authentication!, ("identityClientId", "00000000-0000-0000-0000-0000000000aa"));
            Assert.IsType<ManagedIdentityCredential>(IngestionCredential.FromAuthenticationString(deployed));
            Assert.Equal("Authorization=AAD;ClientId=00000000-0000-0000-0000-0000000000aa", deployed);
        }
    }

    [Fact]
    public void One_action_group_mails_the_alert_address_parameter_and_every_alert_uses_it()
    {
        var group = Assert.Single(Template.OfType(ActionGroupType));
        var receivers = Text(group.Properties!["emailReceivers"]);
        // Empty address: the group exists with no receiver.
        Assert.Contains("if(empty(parameters('alertEmailAddress')), createArray()", receivers, StringComparison.Ordinal);
        Assert.Contains("'emailAddress', parameters('alertEmailAddress')", receivers, StringComparison.Ordinal);

        var parameter = Template.Root["parameters"]!["alertEmailAddress"]!;
        Assert.Equal("", (string?)parameter["defaultValue"]);
        var azdParameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.parameters.json")))!;
        Assert.StartsWith("${ALERT_EMAIL_ADDRESS", (string?)azdParameters["parameters"]!["alertEmailAddress"]!["value"], StringComparison.Ordinal);

        var alerts = Template.OfType(MetricAlertType).Select(alert => (alert, actions: alert.Properties!["actions"]!.AsArray().Select(action => Text(action!["actionGroupId"]))))
            .Concat(Template.OfType(QueryRuleType).Select(rule => (alert: rule, actions: rule.Properties!["actions"]!["actionGroups"]!.AsArray().Select(Text))))
            .ToList();
        Assert.True(alerts.Count >= 10, $"expected every runbook signal to have an alert, found {alerts.Count}");
        Assert.All(alerts, entry =>
        {
            var action = Assert.Single(entry.actions);
            Assert.Contains($"'{ActionGroupType}'", action, StringComparison.Ordinal);
            Assert.True((bool?)entry.alert.Properties!["enabled"], entry.alert.ToString());
        });
    }

    [Fact]
    public void The_availability_test_gets_healthz_from_several_locations_and_alerts_below_99_5_percent()
    {
        var test = Assert.Single(Template.OfType("Microsoft.Insights/webtests"));
        Assert.Equal("standard", (string?)test.Node["kind"]);
        var properties = test.Properties!;
        Assert.Equal("standard", (string?)properties["Kind"]);
        Assert.True((bool?)properties["Enabled"]);
        Assert.True(properties["Locations"]!.AsArray().Count >= 3, "an availability test needs several locations to tell an outage from a probe's bad day");
        Assert.Equal("GET", (string?)properties["Request"]!["HttpVerb"]);
        Assert.Matches(@"^\[format\('\{0\}/api/healthz', parameters\('functionAppUrl'\)\)\]$", Text(properties["Request"]!["RequestUrl"]));
        Assert.Equal(200, (int)properties["ValidationRules"]!["ExpectedHttpStatusCode"]!);
        // The portal lists a web test under its component only with the hidden link.
        Assert.Contains("hidden-link:", Text(test.Node["tags"]), StringComparison.Ordinal);

        // The function app's URL reaches the module from the site itself.
        var alertsModule = Modules().Single(module => (string?)module["name"] == "alerts");
        Assert.Contains("'functionapp'", Text(alertsModule["properties"]!["parameters"]!["functionAppUrl"]!["value"]), StringComparison.Ordinal);

        var slo = Assert.Single(Template.OfType(MetricAlertType), alert => Text(alert.Properties!["criteria"]).Contains("availabilityPercentage", StringComparison.Ordinal));
        var criterion = Assert.Single(slo.Properties!["criteria"]!["allOf"]!.AsArray())!;
        Assert.Equal("LessThan", (string?)criterion["operator"]);
        Assert.Equal(99.5, Number(criterion["threshold"]));
        Assert.Contains("availabilityResult/name", criterion["dimensions"]!.ToJsonString(), StringComparison.Ordinal);

        Assert.Single(Template.OfType(MetricAlertType), alert =>
            (string?)alert.Properties!["criteria"]!["odata.type"] == "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria");
    }

    public static TheoryData<string, string, string, double> SloRules() => new()
    {
        // signal the query must name, measured column (or "" for a row count), operator, threshold
        { "percentile(duration, 95)", "p95Ms", "GreaterThan", 1500 },
        { "'bot.interaction.duration'", "failurePercent", "GreaterThan", 1 },
        { "'bot.queue.depth'", "depth", "GreaterThan", 0 },
        { "'discord.rest.invalid_requests'", "used", "GreaterThan", 5000 },
        { "'discord.gateway.shard_state'", "", "GreaterThan", 0 },
        { "'bot.companion.heartbeat_age'", "", "GreaterThan", 0 },
        { "'lavalink.node_state'", "", "GreaterThan", 0 },
    };

    [Theory]
    [MemberData(nameof(SloRules))]
    public void Each_runbook_signal_has_a_rule_at_its_slo_threshold(string signal, string measure, string comparison, double threshold)
    {
        var criterion = CriterionNaming(signal);

        Assert.Equal(comparison, (string?)criterion["operator"]);
        Assert.Equal(threshold, Number(criterion["threshold"]));
        if (measure.Length == 0)
        {
            Assert.Equal("Count", (string?)criterion["timeAggregation"]);
        }
        else
        {
            Assert.Equal(measure, (string?)criterion["metricMeasureColumn"]);
            Assert.Contains(measure, (string)criterion["query"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_queries_say_what_each_slo_means()
    {
        // Refused requests (bad signatures) have no command; queue hops are not the ACK.
        Assert.Contains("isnotempty(tostring(customDimensions.Command))", Query("percentile(duration, 95)"), StringComparison.Ordinal);
        Assert.Contains("not(name startswith 'process ')", Query("percentile(duration, 95)"), StringComparison.Ordinal);
        Assert.Contains("'failed'", Query("'bot.interaction.duration'"), StringComparison.Ordinal);
        Assert.Contains("endswith '-poison'", Query("'bot.queue.depth'"), StringComparison.Ordinal);
        // Stopped for 5 minutes, or no sample at all: a dead companion reports nothing.
        Assert.Contains("ago(5m)", Query("'discord.gateway.shard_state'"), StringComparison.Ordinal);
        Assert.Contains("highest == 0", Query("'discord.gateway.shard_state'"), StringComparison.Ordinal);
        Assert.Contains("samples == 0", Query("'discord.gateway.shard_state'"), StringComparison.Ordinal);
        Assert.Contains("> 120", Query("'bot.companion.heartbeat_age'"), StringComparison.Ordinal);
        Assert.Contains("samples == 0", Query("'bot.companion.heartbeat_age'"), StringComparison.Ordinal);
        Assert.Contains("highest == 0", Query("'lavalink.node_state'"), StringComparison.Ordinal);
        Assert.Equal("PT5M", (string?)RuleNaming("'lavalink.node_state'").Properties!["windowSize"]);
    }

    [Fact]
    public void The_429_spike_threshold_is_a_parameter_of_20_in_5_minutes()
    {
        var rule = RuleNaming("'discord.rest.rate_limited'");
        var criterion = rule.Properties!["criteria"]!["allOf"]![0]!;
        Assert.Equal("[parameters('rateLimitSpikeThreshold')]", Text(criterion["threshold"]));
        Assert.Equal("Total", (string?)criterion["timeAggregation"]);
        Assert.Equal("PT5M", (string?)rule.Properties!["windowSize"]);
        Assert.Equal(20, (int)Template.Root["parameters"]!["rateLimitSpikeThreshold"]!["defaultValue"]!);
    }

    [Fact]
    public void Every_alert_names_a_runbook_section_that_exists_and_is_listed_in_the_telemetry_doc()
    {
        var anchors = TelemetryCatalog.Anchors(Path.Combine(RepositoryPaths.Root, "docs", "runbook.md"));
        var telemetryDoc = File.ReadAllText(TelemetryCatalog.DocumentPath);

        var alerts = Template.OfType(MetricAlertType).Concat(Template.OfType(QueryRuleType)).ToList();
        Assert.All(alerts, alert =>
        {
            var description = (string?)alert.Properties!["description"] ?? "";
            var link = RunbookLink().Match(description);
            Assert.True(link.Success, $"{alert.Node["name"]}: the description must name docs/runbook.md#section");
            Assert.Contains(link.Groups["anchor"].Value, anchors);
        });
        Assert.All(Template.OfType(QueryRuleType), rule =>
        {
            var name = (string)rule.Node["name"]!;
            Assert.True(telemetryDoc.Contains(name, StringComparison.Ordinal), $"docs/telemetry.md does not list the alert {name}");
        });
    }

    [Fact]
    public void Every_metric_an_alert_queries_is_in_the_catalog()
    {
        var catalog = TelemetryCatalog.MetricNames();
        var used = Template.OfType(QueryRuleType)
            .SelectMany(rule => rule.Properties!["criteria"]!["allOf"]!.AsArray())
            .SelectMany(criterion => TelemetryCatalog.MetricNamesIn((string)criterion!["query"]!))
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, catalog));
    }

    [Fact]
    public void The_workbook_is_the_json_in_infra_for_the_application_insights_resource()
    {
        var workbook = Assert.Single(Template.OfType("Microsoft.Insights/workbooks"));
        Assert.Equal("shared", (string?)workbook.Node["kind"]);
        Assert.Equal("workbook", (string?)workbook.Properties!["category"]);
        Assert.Contains("Microsoft.Insights/components", Text(workbook.Properties!["sourceId"]), StringComparison.Ordinal);

        var data = Text(workbook.Properties!["serializedData"]);
        Assert.StartsWith("[replace(variables(", data, StringComparison.Ordinal);
        Assert.Contains("'__APPLICATION_INSIGHTS_ID__', resourceId('Microsoft.Insights/components'", data, StringComparison.Ordinal);
        var variable = Regex.Match(data, @"variables\('(?<name>[^']+)'\)").Groups["name"].Value;
        Assert.Equal(File.ReadAllText(WorkbookPath), (string?)workbook.Variable(variable));

        var outputs = Template.Root["outputs"]!.AsObject().Select(output => output.Key).ToList();
        Assert.Contains("OPERATIONS_WORKBOOK_ID", outputs);
        Assert.Contains("OPERATIONS_WORKBOOK_NAME", outputs);
    }

    [Fact]
    public void The_workbook_charts_every_metric_of_the_catalog_and_only_those()
    {
        var workbook = JsonNode.Parse(File.ReadAllText(WorkbookPath), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow })!;
        Assert.Equal("Notebook/1.0", (string?)workbook["version"]);
        Assert.Equal("__APPLICATION_INSIGHTS_ID__", (string?)workbook["fallbackResourceIds"]![0]);

        var queries = workbook["items"]!.AsArray()
            .Where(item => (int?)item!["type"] == 3)
            .Select(item => (string)item!["content"]!["query"]!)
            .ToList();
        var used = queries.SelectMany(TelemetryCatalog.MetricNamesIn).ToHashSet(StringComparer.Ordinal);
        var catalog = TelemetryCatalog.MetricNames();

        Assert.NotEmpty(catalog);
        Assert.All(used, name => Assert.Contains(name, catalog));
        Assert.All(catalog, name => Assert.True(used.Contains(name), $"{name} is in docs/telemetry.md but no workbook chart shows it"));
        // The failures table an operator reads last.
        Assert.Contains(queries, query => query.Contains("success == false", StringComparison.Ordinal) && query.Contains("CorrelationId", StringComparison.Ordinal));
    }

    private static string WorkbookPath => Path.Combine(RepositoryPaths.Root, "infra", "workbook.json");

    private JsonNode CriterionNaming(string signal) => RuleNaming(signal).Properties!["criteria"]!["allOf"]![0]!;

    private string Query(string signal) => (string)CriterionNaming(signal)["query"]!;

    private ArmResource RuleNaming(string signal) => Assert.Single(
        Template.OfType(QueryRuleType),
        rule => rule.Properties!["criteria"]!["allOf"]!.AsArray().Any(criterion => ((string?)criterion!["query"] ?? "").Contains(signal, StringComparison.Ordinal)));

    private IEnumerable<JsonObject> Modules() => (Template.Root["resources"] as JsonArray ?? [])
        .Select(node => node!.AsObject())
        .Where(node => (string?)node["type"] == "Microsoft.Resources/deployments");

    /// <summary>An ARM <c>[format('…{0}…', parameters('p'))]</c> with each named parameter replaced by a value.</summary>
    private static string AsDeployed(string expression, params (string Parameter, string Value)[] values)
    {
        var format = Regex.Match(expression, @"^\[format\('(?<text>[^']*)'(?<args>(?:, parameters\('[^']+'\))*)\)\]$");
        Assert.True(format.Success, $"expected a format of parameters, not {expression}");
        var arguments = Regex.Matches(format.Groups["args"].Value, @"parameters\('(?<name>[^']+)'\)")
            .Select(argument => values.Single(value => value.Parameter == argument.Groups["name"].Value).Value)
            .ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, format.Groups["text"].Value, arguments);
    }

    private static double Number(JsonNode? value) => value switch
    {
        JsonValue number when number.TryGetValue<double>(out var d) => d,
        JsonValue text when text.TryGetValue<string>(out var s) && Regex.Match(s, @"^\[json\('(?<n>[0-9.]+)'\)\]$") is { Success: true } json =>
            double.Parse(json.Groups["n"].Value, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"not a literal number: {value?.ToJsonString()}"),
    };

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue text when text.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    [GeneratedRegex(@"docs/runbook\.md#(?<anchor>[a-z0-9_-]+)")]
    private static partial Regex RunbookLink();
}
