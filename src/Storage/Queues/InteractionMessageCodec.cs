using System.Globalization;
using System.Text.Json;
using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;
using Serverless.Domain.Telemetry;

namespace Serverless.Storage.Queues;

/// <summary>
/// The one place that turns a <see cref="DeferredCommand"/> into queue text and back; registered as the
/// <see cref="IDeferredCommandDecoder"/> the <see cref="DeferredWorkRunner"/> reads with.
/// </summary>
public sealed class InteractionMessageCodec : IDeferredCommandDecoder
{
    public static string Encode(DeferredCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var invocation = command.Invocation;
        return JsonSerializer.Serialize(
            new InteractionMessage
            {
                V = InteractionMessage.CurrentVersion,
                MessageKind = InteractionMessage.Kind,
                CorrelationId = invocation.CorrelationId,
                GuildId = Format(invocation.GuildId),
                Feature = invocation.CommandName,
                Action = "run",
                EnqueuedAt = command.EnqueuedAt,
                InteractionId = Format(command.InteractionId),
                ApplicationId = Format(command.ApplicationId),
                InteractionToken = command.InteractionToken,
                ChannelId = Format(invocation.ChannelId),
                UserId = Format(invocation.UserId),
                MemberPermissions = Format((ulong?)invocation.MemberPermissions),
                MemberRoles = invocation.MemberRoleIds.Count == 0 ? null : [.. invocation.MemberRoleIds.Select(id => Format(id)!)],
                Locale = invocation.Locale,
                Options = invocation.Options.Count == 0 ? null : new Dictionary<string, string>(invocation.Options),
                TraceParent = command.Trace.TraceParent,
                TraceState = command.Trace.TraceParent is null ? null : command.Trace.TraceState,
            },
            StorageJsonContext.Default.InteractionMessage);
    }

    /// <summary>Reads queue text; on failure <paramref name="problem"/> says why, for the log line before the message goes to poison.</summary>
    public static bool TryDecode(string text, out DeferredCommand? command, out string? problem)
    {
        command = null;
        InteractionMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(text, StorageJsonContext.Default.InteractionMessage);
        }
        catch (JsonException exception)
        {
            problem = "the message is not valid JSON: " + exception.Message;
            return false;
        }

        if (message is null)
        {
            problem = "the message is empty";
            return false;
        }

        if (message.V != InteractionMessage.CurrentVersion || message.MessageKind != InteractionMessage.Kind)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"unknown message version or kind: v={message.V}, kind={message.MessageKind ?? "(none)"}");
            return false;
        }

        if (!TryParse(message.InteractionId, out var interactionId) || !TryParse(message.ApplicationId, out var applicationId)
            || string.IsNullOrEmpty(message.InteractionToken) || string.IsNullOrEmpty(message.Feature) || string.IsNullOrEmpty(message.CorrelationId))
        {
            problem = "the message lacks interactionId, applicationId, interactionToken, feature or correlationId";
            return false;
        }

        command = new DeferredCommand
        {
            InteractionId = interactionId,
            ApplicationId = applicationId,
            InteractionToken = message.InteractionToken,
            EnqueuedAt = message.EnqueuedAt,
            Trace = ReadTrace(message),
            Invocation = new CommandInvocation
            {
                CommandName = message.Feature,
                CorrelationId = message.CorrelationId,
                InteractionId = interactionId,
                GuildId = TryParse(message.GuildId, out var guild) ? guild : null,
                ChannelId = TryParse(message.ChannelId, out var channel) ? channel : null,
                UserId = TryParse(message.UserId, out var user) ? user : 0,
                MemberPermissions = TryParse(message.MemberPermissions, out var permissions) ? (MemberPermissions)permissions : null,
                MemberRoleIds = [.. (message.MemberRoles ?? []).Select(role => TryParse(role, out var id) ? id : 0).Where(id => id != 0)],
                Locale = message.Locale,
                Options = message.Options ?? [],
            },
        };
        problem = null;
        return true;
    }

    bool IDeferredCommandDecoder.TryDecode(string text, out DeferredCommand? command, out string? problem) =>
        TryDecode(text, out command, out problem);

    bool IDeferredCommandDecoder.IsSmokeProbe(string text, out string? probeId) => SmokeProbeMessage.TryRead(text, out probeId);

    /// <summary>
    /// The envelope's trace context; a missing or malformed <c>traceparent</c> is no trace (the work then starts its
    /// own), never a reason to refuse the message.
    /// </summary>
    internal static QueuedTraceContext ReadTrace(QueueEnvelope message)
    {
        var trace = new QueuedTraceContext(message.TraceParent, message.TraceState);
        return trace.TryGetParent(out _) ? trace : QueuedTraceContext.None;
    }

    private static string? Format(ulong? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static bool TryParse(string? value, out ulong result) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
}
