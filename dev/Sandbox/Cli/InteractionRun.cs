using System.CommandLine;
using System.Globalization;
using System.Text;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Cli;

/// <summary>Who acts in an interaction the CLI sends (<c>--as</c>); null is the sandbox's default user.</summary>
internal sealed record Actor(string? UserId);

/// <summary>
/// What <c>send</c>, <c>click</c>, <c>submit</c> and <c>ping</c> share: send, wait until the answer is final (never
/// longer than <c>--wait</c>), then print the answer and what else the bot did meanwhile.
/// </summary>
internal static class InteractionRun
{
    /// <summary>After the answer is final, how long to keep listening for the bot's other posts and edits.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(150);

    public static Option<string> SandboxOption() =>
        new("--sandbox") { Description = "The running sandbox.", DefaultValueFactory = _ => SandboxClient.DefaultUrl };

    public static Option<string?> BotUrlOption() =>
        new("--bot-url") { Description = "Send to this URL instead of the sandbox's configured bot URL." };

    public static Option<double> WaitOption() =>
        new("--wait") { Description = "The most seconds to wait for the final answer (a deferred answer's edit); returns as soon as it is final.", DefaultValueFactory = _ => 10 };

    public static Option<string?> AsOption() =>
        new("--as") { Description = "Act as this member: a user id or username (see the members command)." };

    public static Option<string?> PermissionsOption() =>
        new("--permissions") { Description = "Give the member these permissions first (they stay): a bitfield number, or names added to the member's own (manage-messages,manage-guild,administrator,…)." };

    /// <summary>
    /// Resolves <c>--as</c>, and applies <c>--permissions</c> to that member in the sandbox (through their role, which
    /// is what a bot checks; a permission only in the interaction's <c>member.permissions</c> would not convince it).
    /// </summary>
    /// <exception cref="CliUsageException">An unknown member or permission name.</exception>
    public static async Task<Actor> ResolveActorAsync(SandboxClient client, string? asText, string? permissionsText, CancellationToken cancellationToken)
    {
        if (asText is null && permissionsText is null)
        {
            return new Actor(null);
        }

        var guild = await client.GetGuildAsync(cancellationToken);
        var wanted = asText ?? SandboxDefaults.UserId.ToString(CultureInfo.InvariantCulture);
        var member = guild.Members.FirstOrDefault(m => m.Id == wanted)
            ?? guild.Members.FirstOrDefault(m => string.Equals(m.Username, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliUsageException($"No member '{wanted}'; members: {string.Join(", ", guild.Members.Where(m => !m.IsBot).Select(m => m.Username))}.");
        if (member.IsBot)
        {
            throw new CliUsageException("The bot does not use its own commands; pick a person with --as.");
        }

        if (permissionsText is not null)
        {
            var own = ulong.Parse(member.Permissions, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!PermissionNames.TryParse(permissionsText, own, out var bits, out var problem))
            {
                throw new CliUsageException(problem);
            }

            await client.SetMemberPermissionsAsync(member.Id, bits, cancellationToken);
        }

        return new Actor(member.Id);
    }

    /// <summary>Runs one interaction end to end and returns the CLI's exit code.</summary>
    public static async Task<int> RunAsync(
        string sandboxUrl, double waitSeconds, string? asText, string? permissionsText,
        Func<SandboxClient, Actor, CancellationToken, Task<SentInteractionWire>> send,
        TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        if (waitSeconds is < 0 or > 3600 || double.IsNaN(waitSeconds))
        {
            await error.WriteLineAsync("--wait must be between 0 and 3600 seconds.");
            return SandboxCli.UsageOrUnreachable;
        }

        if (!SandboxClient.TryCreate(sandboxUrl, out var created))
        {
            await error.WriteLineAsync($"--sandbox must be an absolute http(s) URL, not '{sandboxUrl}'.");
            return SandboxCli.UsageOrUnreachable;
        }

        using var client = created!;
        try
        {
            var actor = await ResolveActorAsync(client, asText, permissionsText, cancellationToken);
            await using var events = await EventCollector.StartAsync(client, cancellationToken);
            var started = time.GetTimestamp();
            var sent = await send(client, actor, cancellationToken);
            if (sent.Error is not null)
            {
                await output.WriteLineAsync($"Bot did not answer: {sent.Error}");
                return SandboxCli.BotFailed;
            }

            if (sent.StatusCode is < 200 or > 299)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture, $"Bot answered {sent.StatusCode} in {sent.ElapsedMilliseconds:0} ms: it refused the interaction. {Shorten(sent.ResponseBody, 500)}"));
                return SandboxCli.BotFailed;
            }

            var wait = TimeSpan.FromSeconds(waitSeconds);
            InteractionStateWire state;
            do
            {
                var remaining = wait - time.GetElapsedTime(started);
                state = await client.GetInteractionAsync(sent.InteractionId, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining, cancellationToken);
            }
            while (!state.Final && time.GetElapsedTime(started) < wait);

            await Task.Delay(Grace, time, cancellationToken);
            var calls = await client.GetCallsAsync(sent.CallSequence, cancellationToken);
            var printed = Render(sent, state, waitSeconds, events.Messages, calls.Calls);
            await output.WriteAsync(printed.Text);
            return printed.Answered ? SandboxCli.Ok : SandboxCli.BotFailed;
        }
        catch (CliUsageException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return SandboxCli.UsageOrUnreachable;
        }
        catch (SandboxRefusedException exception)
        {
            await error.WriteLineAsync($"The sandbox refused ({exception.StatusCode.ToString(CultureInfo.InvariantCulture)}): {exception.Message}");
            return SandboxCli.UsageOrUnreachable;
        }
        catch (SandboxUnreachableException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return SandboxCli.UsageOrUnreachable;
        }
    }

    private static (string Text, bool Answered) Render(
        SentInteractionWire sent, InteractionStateWire state, double waitSeconds, IReadOnlyList<MessageEventWire> messages, IReadOnlyList<RecordedCall> calls)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Bot answered {sent.StatusCode} in {sent.ElapsedMilliseconds:0} ms: {Describe(state.InitialResponseType)}\n");
        var answered = state.Final && !state.Invalidated && state.InitialResponseType is not null;
        if (sent.DeadlineExceeded || state.Invalidated)
        {
            text.Append("Too slow: Discord allows 3 s, so the user would see \"The application did not respond\" and the token is now invalid.\n");
        }
        else if (state.InitialResponseType is null)
        {
            text.Append("The bot's answer was no interaction response, so the user would see \"The application did not respond\".\n");
        }
        else if (!state.Final)
        {
            text.Append(CultureInfo.InvariantCulture, $"No final answer within {waitSeconds:0.#} s: the user still sees {(state.InitialResponseType == 6 ? "the message unchanged" : "\"thinking…\"")}.\n");
        }

        if (state.Original is { } original)
        {
            text.Append(AnswerRenderer.Message(original));
        }

        if (state.Modal is { } modal)
        {
            text.Append(AnswerRenderer.Modal(modal));
        }

        foreach (var followUp in state.FollowUps)
        {
            text.Append("Follow-up:\n").Append(AnswerRenderer.Message(followUp));
        }

        // Everything else the bot posted, edited or deleted while the interaction ran: last state of each message.
        var own = new HashSet<string>(state.FollowUps.Select(m => m.Id).Append(state.Original?.Id ?? ""), StringComparer.Ordinal);
        var others = messages.Where(e => e.Message.Author.IsBot && !own.Contains(e.Message.Id))
            .GroupBy(e => e.Message.Id)
            .Select(group => (Kinds: group.Select(e => e.Kind).Distinct().ToList(), Last: group.Last().Message))
            .ToList();
        if (others.Count > 0)
        {
            text.Append("Meanwhile the bot also:\n");
            foreach (var (kinds, last) in others)
            {
                var what = kinds.Contains("deleted") ? "deleted" : kinds.Contains("created") ? "posted" : "edited";
                text.Append("  ").Append(what).Append(" in channel ").Append(last.ChannelId).Append(":\n");
                if (what != "deleted")
                {
                    text.Append(AnswerRenderer.Message(last, "    "));
                }
            }
        }

        var ownCalls = calls.Where(call => call.InteractionToken == sent.Token).ToList();
        if (ownCalls.Count > 0)
        {
            text.Append("REST calls with this interaction's token:\n");
            foreach (var call in ownCalls)
            {
                text.Append("  ").Append(DescribeCall(call, sent.Token)).Append('\n');
            }
        }

        return (text.ToString(), answered);
    }

    private static string Describe(int? type) => type switch
    {
        null => "no interaction response",
        1 => "PONG",
        4 => "a message",
        5 => "deferred (\"thinking…\"), to be edited",
        6 => "deferred update of the clicked message",
        7 => "updated the clicked message",
        8 => "autocomplete choices",
        9 => "a form",
        _ => "callback type " + type.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary><c>PATCH /webhooks/{app}/sandbox_abcdefgh…/messages/@original → 200  content: "…"</c></summary>
    internal static string DescribeCall(RecordedCall call, string token)
    {
        var line = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{call.Method} {call.Path.Replace(token, CallEventWire.ShortToken(token), StringComparison.Ordinal)}{call.Query} → {call.StatusCode}");
        if (call.Faulted)
        {
            line.Append(" (injected fault)");
        }

        if (ContentOf(call.Body) is { } content)
        {
            line.Append("  content: ").Append(System.Text.Json.JsonSerializer.Serialize(content, ControlJsonContext.Control.String));
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
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("content", out var content)
                && content.ValueKind == System.Text.Json.JsonValueKind.String
                ? content.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>A mistake in how the CLI was called that only the sandbox's answer reveals (an unknown member, say).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
