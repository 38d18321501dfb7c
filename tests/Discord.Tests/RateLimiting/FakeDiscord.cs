using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Serverless.Discord.Tests.RateLimiting;

/// <summary>
/// A scripted Discord on the fake clock: fixed-window buckets per (route, major parameter) with
/// rate-limit headers and 429s, a global window for bot calls, and an optional override per call.
/// </summary>
internal sealed class FakeDiscord(FakeTimeProvider clock) : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Used, DateTimeOffset ResetAt)> _windows = [];
    private (int Used, DateTimeOffset ResetAt) _global;

    public int BucketLimit { get; set; } = 5;

    public TimeSpan BucketPeriod { get; set; } = TimeSpan.FromSeconds(5);

    public int GlobalLimit { get; set; } = 50;

    /// <summary>Answers instead of the limiter when it returns non-null.</summary>
    public Func<HttpRequestMessage, int, HttpResponseMessage?>? Script { get; set; }

    public List<(DateTimeOffset At, string Method, string Path, HttpStatusCode Status)> Calls { get; } = [];

    public int TooManyRequests => Calls.Count(call => call.Status == HttpStatusCode.TooManyRequests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var response = Answer(request);
        lock (_lock)
        {
            Calls.Add((clock.GetUtcNow(), request.Method.Method, request.RequestUri!.AbsolutePath, response.StatusCode));
        }

        return response;
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (Script?.Invoke(request, Calls.Count) is { } scripted)
            {
                return scripted;
            }

            var path = request.RequestUri!.AbsolutePath;
            if (request.Headers.Authorization is not null)
            {
                if (now >= _global.ResetAt)
                {
                    _global = (0, now + TimeSpan.FromSeconds(1));
                }

                if (_global.Used >= GlobalLimit)
                {
                    var global = TooMany((_global.ResetAt - now).TotalSeconds, global: true);
                    global.Headers.Add("X-RateLimit-Global", "true");
                    global.Headers.Add("X-RateLimit-Scope", "global");
                    return global;
                }
            }

            // Major parameter: the path up to the third segment (/api/v10/channels/{id}).
            var key = request.Method.Method + " " + string.Join('/', path.Split('/').Take(5));
            var window = _windows.GetValueOrDefault(key);
            if (now >= window.ResetAt)
            {
                window = (0, now + BucketPeriod);
            }

            if (window.Used >= BucketLimit)
            {
                var limited = TooMany((window.ResetAt - now).TotalSeconds, global: false);
                Headers(limited, 0, window.ResetAt - now);
                limited.Headers.Add("X-RateLimit-Scope", "user");
                return limited;
            }

            window.Used++;
            _windows[key] = window;
            if (request.Headers.Authorization is not null)
            {
                _global.Used++;
            }

            var ok = Ok();
            Headers(ok, BucketLimit - window.Used, window.ResetAt - now);
            return ok;
        }
    }

    private void Headers(HttpResponseMessage response, int remaining, TimeSpan resetAfter)
    {
        response.Headers.Add("X-RateLimit-Limit", BucketLimit.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Remaining", remaining.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Reset-After", resetAfter.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
        response.Headers.Add("X-RateLimit-Bucket", "abc123");
    }

    public static HttpResponseMessage Ok() => Json(HttpStatusCode.OK, """{"id":"1","channel_id":"2","content":"ok","username":"bot"}""");

    public static HttpResponseMessage TooMany(double retryAfter, bool global) =>
        Json(HttpStatusCode.TooManyRequests, string.Create(CultureInfo.InvariantCulture, $$"""{"message":"You are being rate limited.","retry_after":{{retryAfter:0.000}},"global":{{(global ? "true" : "false")}},"code":0}"""));

    public static HttpResponseMessage Error(HttpStatusCode status, int code) =>
        Json(status, string.Create(CultureInfo.InvariantCulture, $$"""{"message":"error","code":{{code}}}"""));

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
