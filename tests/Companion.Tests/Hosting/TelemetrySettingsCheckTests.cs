using Microsoft.Extensions.Configuration;
using Serverless.Observability;

namespace Serverless.Companion.Tests.Hosting;

public sealed class TelemetrySettingsCheckTests
{
    private const string Portal = "InstrumentationKey=4f1c2a3b-1111-2222-3333-444455556666;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=0a1b2c3d-0000-1111-2222-333344445555";

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(Portal, null, null)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:4318/", "Authorization=AAD", "0.25")]
    [InlineData(Portal + ";", "Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555", "1")]
    public void UsableSettings_PassAsThePortalWritesThem(string? connectionString, string? authentication, string? sampling)
    {
        Assert.Empty(TelemetrySettingsCheck.Failures(Configuration(connectionString, authentication, sampling)));
    }

    [Theory]
    [InlineData("not-a-connection-string", null, null, "APPLICATIONINSIGHTS_CONNECTION_STRING is malformed")]
    [InlineData("IngestionEndpoint=https://x.example/", null, null, "no InstrumentationKey")]
    [InlineData("InstrumentationKey=4f1c2a3b-1111-2222-3333-444455556666;IngestionEndpoint=westeurope", null, null, "IngestionEndpoint is not an absolute")]
    [InlineData(Portal, "Authorization=Basic", null, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING must read")]
    [InlineData(Portal, null, "1.5", "Telemetry__SamplingRatio must be")]
    [InlineData(Portal, null, "all", "Telemetry__SamplingRatio must be")]
    public void EachBadSetting_IsOneFailure_NamingItsKey_WithoutTheInstrumentationKey(string connectionString, string? authentication, string? sampling, string expected)
    {
        var failure = Assert.Single(TelemetrySettingsCheck.Failures(Configuration(connectionString, authentication, sampling)));

        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("4f1c2a3b", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAConnectionString_TheOtherSettingsAreNotChecked_TelemetryIsOff()
    {
        Assert.Empty(TelemetrySettingsCheck.Failures(Configuration(null, "nonsense", "nonsense")));
    }

    private static IConfiguration Configuration(string? connectionString, string? authentication, string? sampling) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryOptions.ConnectionStringKey] = connectionString,
            [TelemetryOptions.AuthenticationStringKey] = authentication,
            ["Telemetry:SamplingRatio"] = sampling,
        }).Build();
}
