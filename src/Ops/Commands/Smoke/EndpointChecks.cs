using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Serverless.Ops.Commands.Smoke;

/// <summary>
/// The smoke steps over the function app's HTTP endpoints: <c>GET /api/healthz</c>, and <c>POST /api/interactions</c>
/// signed wrongly and not signed at all, as Discord probes it when the Interactions Endpoint URL is saved.
/// </summary>
internal sealed class EndpointChecks(HttpClient http, Uri appUrl, TimeProvider timeProvider)
{
    /// <summary>The anonymous health route of <c>HealthFunctions</c>; the detail route needs a function key.</summary>
    public const string HealthPath = "api/healthz";
    public const string HealthDetailPath = "api/healthz/detail";

    /// <summary>The route of <c>InteractionsFunction</c>.</summary>
    public const string InteractionsPath = "api/interactions";

    /// <summary>
    /// Passes on 200 with status <c>ok</c>, or <c>degraded</c>: Discord or the companion is in trouble but commands are
    /// answered, which a deployment whose companion is still starting must not fail on. With <paramref name="functionKey"/>
    /// the detail route names what is not ok.
    /// </summary>
    public async Task<SmokeStepOutcome> HealthAsync(string? functionKey, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(appUrl, HealthPath), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var code = (int)response.StatusCode;
        var status = ReadStatus(body);
        var summary = string.Create(CultureInfo.InvariantCulture, $"{code} {status ?? "(no status in the answer)"}");
        if (status != "ok" && functionKey is not null)
        {
            summary += await DescribeProblemsAsync(functionKey, cancellationToken);
        }

        return response.StatusCode == HttpStatusCode.OK && status is "ok" or "degraded"
            ? SmokeStepOutcome.Pass(summary)
            : SmokeStepOutcome.Fail(summary);
    }

    /// <summary>Passes when both a wrongly signed and an unsigned request are refused with 401.</summary>
    public async Task<SmokeStepOutcome> SignatureAsync(CancellationToken cancellationToken)
    {
        // A well-formed but wrong signature (64 zero bytes) over a fresh timestamp: only the signature check can refuse it.
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var badlySigned = await PostPingAsync(new string('0', 128), timestamp, cancellationToken);
        var unsigned = await PostPingAsync(null, null, cancellationToken);
        var summary = string.Create(CultureInfo.InvariantCulture, $"bad signature {badlySigned}, no signature {unsigned}");
        return badlySigned == 401 && unsigned == 401
            ? SmokeStepOutcome.Pass(summary)
            : SmokeStepOutcome.Fail(summary + " (401 expected for both: Discord refuses to save an endpoint that accepts them)");
    }

    private async Task<int> PostPingAsync(string? signature, string? timestamp, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(appUrl, InteractionsPath))
        {
            Content = new StringContent("""{"type":1}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (signature is not null)
        {
            request.Headers.Add("X-Signature-Ed25519", signature);
            request.Headers.Add("X-Signature-Timestamp", timestamp);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>": discord unreachable (reason); gateway degraded (…)": every entry of the detail answer that is not ok.</summary>
    private async Task<string> DescribeProblemsAsync(string functionKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(appUrl, HealthDetailPath));
        request.Headers.Add("x-functions-key", functionKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
        {
            return string.Create(CultureInfo.InvariantCulture, $"; the detail route answered {(int)response.StatusCode}");
        }

        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var problems = document.RootElement.EnumerateObject()
                .Where(entry => entry.Value.ValueKind == JsonValueKind.Object
                    && entry.Value.TryGetProperty("status", out var status) && status.GetString() != "ok")
                .Select(entry => entry.Value.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                    ? $"{entry.Name} {entry.Value.GetProperty("status").GetString()} ({detail.GetString()})"
                    : $"{entry.Name} {entry.Value.GetProperty("status").GetString()}")
                .ToList();
            return problems.Count == 0 ? "" : ": " + string.Join("; ", problems);
        }
        catch (JsonException)
        {
            return "; the detail answer is not JSON";
        }
    }

    private static string? ReadStatus(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
                ? status.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
