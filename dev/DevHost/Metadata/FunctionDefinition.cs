using System.Globalization;
using Serverless.DevHost.Timers;

namespace Serverless.DevHost.Metadata;

/// <summary>
/// One function of the app, as the worker's indexing (or <c>functions.metadata</c>) declares it: its name, the id the
/// worker and the DevHost use for it on the wire, and its trigger.
/// </summary>
public sealed record FunctionDefinition(string Name, string FunctionId, FunctionTrigger Trigger)
{
    /// <summary>One line saying how the function is reached, e.g. <c>interactions: POST http://127.0.0.1:7071/api/interactions</c>.</summary>
    public string Describe(string baseUrl, string routePrefix) => Trigger switch
    {
        HttpTrigger http => string.Create(
            CultureInfo.InvariantCulture,
            $"{Name}: {(http.Methods.Count == 0 ? "ANY" : string.Join(',', http.Methods))} {baseUrl.TrimEnd('/')}/{HttpTrigger.Template(routePrefix, http.Route)}{(string.Equals(http.AuthLevel, "anonymous", StringComparison.OrdinalIgnoreCase) ? string.Empty : $" ({http.AuthLevel.ToLowerInvariant()} key)")}"),
        QueueTrigger queue => $"{Name}: queue {queue.QueueName}",
        TimerTrigger timer => $"{Name}: timer {timer.Schedule}{(timer.RunOnStartup ? " (runs on startup)" : string.Empty)}",
        _ => Name,
    };
}

/// <summary>A binding's <c>dataType</c>: how the host hands the trigger value to the worker.</summary>
public enum BindingDataType
{
    Undefined,
    String,
    Binary,
    Stream,
}

/// <summary>The trigger binding of a function; <see cref="BindingName"/> is its <c>name</c>.</summary>
public abstract record FunctionTrigger(string BindingName)
{
    /// <summary>The binding's <c>dataType</c>.</summary>
    public BindingDataType DataType { get; init; }
}

/// <summary>
/// An <c>httpTrigger</c> in with one <c>http</c> out, proxied to the worker's HTTP server.
/// <see cref="Methods"/> are upper case; empty means every method.
/// </summary>
public sealed record HttpTrigger(string BindingName, string Route, IReadOnlyList<string> Methods, string AuthLevel)
    : FunctionTrigger(BindingName)
{
    /// <summary>The route template the host serves: <c>{routePrefix}/{route}</c>, without a leading slash.</summary>
    public static string Template(string routePrefix, string route) =>
        string.IsNullOrEmpty(routePrefix) ? route : string.IsNullOrEmpty(route) ? routePrefix : $"{routePrefix}/{route}";
}

/// <summary>A <c>queueTrigger</c>; <see cref="Connection"/> names the setting that holds the connection string.</summary>
public sealed record QueueTrigger(string BindingName, string QueueName, string Connection) : FunctionTrigger(BindingName)
{
    public string PoisonQueueName => QueueName + "-poison";
}

/// <summary>
/// A <c>timerTrigger</c>. <see cref="UseMonitor"/> decides whether the function sees a <c>ScheduleStatus</c>; as in the
/// host it defaults to true unless the schedule fires more than once a minute.
/// </summary>
public sealed record TimerTrigger(string BindingName, TimerSchedule Schedule, bool RunOnStartup, bool UseMonitor)
    : FunctionTrigger(BindingName);
