using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.DevHost.Metadata;

namespace Serverless.DevHost.Http;

/// <summary>
/// The keys an HTTP trigger's <c>authLevel</c> asks for, checked as the Functions host checks them: the key comes in
/// the <c>x-functions-key</c> header or the <c>code</c> query parameter; <c>function</c> takes the function's own key,
/// a host key or the master key, <c>admin</c> the master key only, <c>anonymous</c> none. Anything else is 401.
/// The host keeps its keys in its secret store; here they are app settings (local.settings.json, environment, code):
/// <c>DevHost__MasterKey</c>, <c>DevHost__HostKey</c> and <c>DevHost__FunctionKeys__{function}</c>. None set means
/// keyed functions refuse every request, as the host does for a caller without its keys.
/// </summary>
internal sealed class FunctionKeys
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";
    public const string MasterKeySetting = "DevHost__MasterKey";
    public const string HostKeySetting = "DevHost__HostKey";
    public const string FunctionKeySettingPrefix = "DevHost__FunctionKeys__";

    private readonly byte[]? _master;
    private readonly byte[]? _host;
    private readonly Dictionary<string, byte[]> _functions;

    private FunctionKeys(byte[]? master, byte[]? host, Dictionary<string, byte[]> functions)
    {
        _master = master;
        _host = host;
        _functions = functions;
    }

    public static FunctionKeys FromSettings(AppSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var functions = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in settings.Values)
        {
            if (name.StartsWith(FunctionKeySettingPrefix, StringComparison.OrdinalIgnoreCase) && Bytes(value) is { } key)
            {
                functions[name[FunctionKeySettingPrefix.Length..]] = key;
            }
        }

        return new FunctionKeys(
            Bytes(settings.Values.GetValueOrDefault(MasterKeySetting)),
            Bytes(settings.Values.GetValueOrDefault(HostKeySetting)),
            functions);
    }

    public bool IsAuthorized(FunctionDefinition function, HttpTrigger trigger, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(request);
        if (string.Equals(trigger.AuthLevel, "anonymous", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var given = request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(given))
        {
            given = request.Query[QueryName].ToString();
        }

        if (Bytes(given) is not { } presented)
        {
            return false;
        }

        if (Matches(_master, presented))
        {
            return true;
        }

        return string.Equals(trigger.AuthLevel, "function", StringComparison.OrdinalIgnoreCase)
            && (Matches(_host, presented) || Matches(_functions.GetValueOrDefault(function.Name), presented));
    }

    private static byte[]? Bytes(string? value) => string.IsNullOrEmpty(value) ? null : Encoding.UTF8.GetBytes(value);

    // Constant time, so a caller cannot learn a key byte by byte from how long a refusal takes.
    private static bool Matches(byte[]? expected, byte[] presented) =>
        expected is not null && CryptographicOperations.FixedTimeEquals(expected, presented);
}
