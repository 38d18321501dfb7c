using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Ops;

/// <summary>
/// <c>--output json</c>: one JSON document on standard output per run, camelCase, enums as strings, ids as strings
/// (snowflakes exceed the integers JavaScript and <c>jq</c> read exactly).
/// </summary>
internal static class JsonResult
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static async Task WriteAsync<T>(TextWriter output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync(JsonSerializer.Serialize(value, Options));
    }
}
