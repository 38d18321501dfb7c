using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Cli;

/// <summary><c>send</c> and <c>ping</c>: ask a running sandbox to sign and send an interaction, then show what the bot did.</summary>
internal static class SendCommand
{
    private const string DefaultSandboxUrl = "http://127.0.0.1:7072";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static Command CreateSend(TextWriter output, TextWriter error, TimeProvider time)
    {
        var name = new Argument<string[]>("command") { Description = "The command, e.g. /ping, or with a subcommand: /music play.", Arity = ArgumentArity.OneOrMore };
        var options = new Option<string[]>("--option", "-o") { Description = "name=value or name:type=value (string, integer, number, boolean, user, channel, role, mentionable); repeatable." };
        var sandbox = SandboxUrlOption();
        var wait = new Option<double>("--wait") { Description = "Seconds to show the REST calls the bot makes for this interaction.", DefaultValueFactory = _ => 5 };
        var botUrl = BotUrlOption();
        var command = new Command("send", "Send a slash command to the bot through a running sandbox.") { name, options, sandbox, wait, botUrl };
        command.SetAction((parse, cancellationToken) => SendAsync(
            parse.GetValue(name)!, parse.GetValue(options) ?? [], parse.GetValue(sandbox)!, parse.GetValue(wait), parse.GetValue(botUrl), output, error, time, cancellationToken));
        return command;
    }

    public static Command CreatePing(TextWriter output, TextWriter error, TimeProvider time)
    {
        var sandbox = SandboxUrlOption();
        var botUrl = BotUrlOption();
        var command = new Command("ping", "Send a PING interaction (as Discord does when the endpoint URL is saved).") { sandbox, botUrl };
        command.SetAction((parse, cancellationToken) => PostAsync(
            new SendInteractionRequestWire { Ping = true, BotUrl = parse.GetValue(botUrl) }, parse.GetValue(sandbox)!, wait: 0, output, error, time, cancellationToken));
        return command;
    }

    private static Option<string> SandboxUrlOption() =>
        new("--sandbox") { Description = "The running sandbox.", DefaultValueFactory = _ => DefaultSandboxUrl };

    private static Option<string?> BotUrlOption() =>
        new("--bot-url") { Description = "Send to this URL instead of the sandbox's configured bot URL." };

    private static async Task<int> SendAsync(
        string[] words, string[] optionTexts, string sandboxUrl, double wait, string? botUrl,
        TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = new List<CommandOption>();
        foreach (var text in optionTexts)
        {
            if (!CommandOption.TryParse(text, out var option, out var problem))
            {
                await error.WriteLineAsync(problem);
                return SandboxCli.UsageOrUnreachable;
            }

            options.Add(option!);
        }

        if (wait is < 0 or > 3600 || double.IsNaN(wait))
        {
            await error.WriteLineAsync("--wait must be between 0 and 3600 seconds.");
            return SandboxCli.UsageOrUnreachable;
        }

        var request = new SendInteractionRequestWire
        {
            Name = string.Join(' ', words),
            Options = OptionsJson(options),
            BotUrl = botUrl,
        };
        return await PostAsync(request, sandboxUrl, wait, output, error, time, cancellationToken);
    }

    private static async Task<int> PostAsync(
        SendInteractionRequestWire request, string sandboxUrl, double wait,
        TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(sandboxUrl.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"--sandbox must be an absolute http(s) URL, not '{sandboxUrl}'.");
            return SandboxCli.UsageOrUnreachable;
        }

        // Longer than the sandbox waits for the bot (30 s), so a slow bot is reported by the sandbox, not as a timeout here.
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        SentInteractionWire sent;
        try
        {
            using var response = await http.PostAsJsonAsync("_sandbox/interactions", request, ControlJsonContext.Control.SendInteractionRequestWire, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                await error.WriteLineAsync($"The sandbox at {baseUri} refused the request ({(int)response.StatusCode}): {ErrorText(body)}");
                return SandboxCli.UsageOrUnreachable;
            }

            sent = await response.Content.ReadFromJsonAsync(ControlJsonContext.Control.SentInteractionWire, cancellationToken)
                ?? throw new JsonException("Empty answer.");
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"Sandbox not reachable at {baseUri}: {exception.Message} (start it with: dotnet run --project dev/Sandbox -- serve)");
            return SandboxCli.UsageOrUnreachable;
        }

        if (sent.Error is not null)
        {
            await error.WriteLineAsync($"Bot did not answer: {sent.Error}");
            return SandboxCli.BotFailed;
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Bot answered {sent.StatusCode} in {sent.ElapsedMilliseconds:0} ms: {Shorten(sent.ResponseBody, 500)}"));
        if (sent.DeadlineExceeded)
        {
            await output.WriteLineAsync("Too slow: Discord allows 3 s, so the user would see \"The application did not respond\" and the token is now invalid.");
        }

        if (wait > 0 && !string.IsNullOrEmpty(sent.Token))
        {
            await FollowCallsAsync(http, sent.Token, sent.CallSequence, TimeSpan.FromSeconds(wait), output, error, time, cancellationToken);
        }

        return sent.StatusCode is >= 200 and <= 299 && !sent.DeadlineExceeded ? SandboxCli.Ok : SandboxCli.BotFailed;
    }

    /// <summary>Prints, as they arrive, the REST calls made with this interaction's token.</summary>
    private static async Task FollowCallsAsync(
        HttpClient http, string token, long since, TimeSpan duration,
        TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var printed = 0;
        while (true)
        {
            CallsWire? calls;
            try
            {
                calls = await http.GetFromJsonAsync(
                    "_sandbox/calls?since=" + since.ToString(CultureInfo.InvariantCulture), ControlJsonContext.Control.CallsWire, cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or JsonException || exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"Lost the sandbox while waiting for calls: {exception.Message}");
                return;
            }

            foreach (var call in calls?.Calls ?? [])
            {
                if (call.InteractionToken == token)
                {
                    await output.WriteLineAsync(Describe(call, token));
                    printed++;
                }
            }

            since = calls?.NextSequence ?? since;
            var remaining = duration - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, time, cancellationToken);
        }

        if (printed == 0)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"No calls with this interaction's token within {duration.TotalSeconds:0.#} s."));
        }
    }

    /// <summary><c>PATCH /webhooks/{app}/sandbox_abcdefgh…/messages/@original → 200  content: "…"</c></summary>
    internal static string Describe(RecordedCall call, string token)
    {
        var path = call.Path.Replace(token, token.Length > 16 ? token[..16] + "…" : token, StringComparison.Ordinal);
        var line = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{call.Method} {path}{call.Query} → {call.StatusCode}");
        if (call.Faulted)
        {
            line.Append(" (injected fault)");
        }

        if (ContentOf(call.Body) is { } content)
        {
            line.Append("  content: ").Append(JsonSerializer.Serialize(Shorten(content, 200), ControlJsonContext.Control.String));
        }
        else if (call.Body.Length > 0)
        {
            line.Append("  body: ").Append(Shorten(call.Body, 200));
        }

        return line.ToString();
    }

    private static string? ContentOf(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String
                ? content.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var message) ? message.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return Shorten(body, 300);
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>The options as the control API's array form, with explicit types so nothing is re-guessed.</summary>
    private static JsonElement? OptionsJson(List<CommandOption> options)
    {
        if (options.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var option in options)
            {
                writer.WriteStartObject();
                writer.WriteString("name", option.Name);
                writer.WriteNumber("type", (int)option.Type);
                writer.WritePropertyName("value");
                switch (option.Value)
                {
                    case bool boolean:
                        writer.WriteBooleanValue(boolean);
                        break;
                    case long integer:
                        writer.WriteNumberValue(integer);
                        break;
                    case double number:
                        writer.WriteNumberValue(number);
                        break;
                    default:
                        writer.WriteStringValue(option.Value?.ToString());
                        break;
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
