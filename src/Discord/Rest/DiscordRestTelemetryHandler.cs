using System.Diagnostics;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Rest;

/// <summary>
/// The outermost handler of the Discord client: one Client span "{METHOD} {route template}" per call, covering the
/// retries and rate-limit waits of the handlers inside it, and the <c>discord.rest.duration</c> metric. The span and
/// the metric name the call by its template (<see cref="DiscordRequestOptions.Route"/>), never its path: interaction
/// webhook paths carry the token. With nothing listening the call passes straight through.
/// </summary>
internal sealed class DiscordRestTelemetryHandler(DiscordRestMetrics metrics, TimeProvider timeProvider) : DelegatingHandler
{
    internal static readonly ActivitySource Source = new(TelemetryNames.DiscordRest);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var activity = Source.HasListeners() ? StartActivity(request) : null;
        return activity is null && !metrics.DurationEnabled
            ? base.SendAsync(request, cancellationToken)
            : SendObservedAsync(request, activity, cancellationToken);
    }

    private static Activity? StartActivity(HttpRequestMessage request)
    {
        var route = DiscordRoute.TelemetryTemplate(request);
        var activity = Source.StartActivity(route, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("discord.route", route);
            if (request.RequestUri is { IsAbsoluteUri: true } uri)
            {
                // The host only: the path of a webhook call holds the interaction token.
                activity.SetTag("server.address", uri.Host);
            }
        }

        return activity;
    }

    private async Task<HttpResponseMessage> SendObservedAsync(HttpRequestMessage request, Activity? activity, CancellationToken cancellationToken)
    {
        var call = new DiscordCallRecord();
        request.Options.Set(DiscordRequestOptions.CallRecord, call);
        var started = timeProvider.GetTimestamp();
        HttpResponseMessage? response = null;
        Exception? failure = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        catch (Exception exception)
        {
            failure = exception;
            throw;
        }
        finally
        {
            var status = response is not null ? (int)response.StatusCode : call.LastStatus;
            metrics.RecordDuration(request.Method.Method, DiscordRoute.TelemetryTemplate(request), status, timeProvider.GetElapsedTime(started));
            if (activity is not null)
            {
                Complete(activity, call, status, failure);
            }
        }
    }

    private static void Complete(Activity activity, DiscordCallRecord call, int? status, Exception? failure)
    {
        if (activity.IsAllDataRequested)
        {
            if (status is { } code)
            {
                activity.SetTag("http.response.status_code", code);
            }

            activity.SetTag("discord.retries", Math.Max(0, call.Attempts - 1));
            activity.SetTag("discord.rate_limit_wait_ms", Math.Round(call.RateLimitWait.TotalMilliseconds, 1));
            if (call.Bucket is { } bucket)
            {
                activity.SetTag("discord.bucket", bucket);
            }

            if (failure is not null || status >= 400)
            {
                // The exception's type or the status: its message could quote Discord's answer.
                activity.SetTag("error.type", failure?.GetType().FullName ?? StatusText(status!.Value));
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Dispose();
    }

    private static string StatusText(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
