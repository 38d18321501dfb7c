using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Telemetry;
using Serverless.Storage.Queues;

namespace Serverless.Storage.ScheduledPosts;

/// <summary>
/// Wire shape of a message on the <c>posts</c> queue: the <see cref="QueueEnvelope"/>, then the claim. The claim's key is
/// the post and its scheduled occurrence (<c>due</c>), so a redelivered message finds the same claim.
/// </summary>
public sealed class PostMessage : QueueEnvelope
{
    public const int CurrentVersion = 1;
    public const string Kind = "post";
    public const string ScheduledPostsFeature = "scheduled-posts";

    [JsonPropertyName("postId")]
    public string? PostId { get; set; }

    [JsonPropertyName("due")]
    public DateTimeOffset? Due { get; set; }

    [JsonPropertyName("attempt")]
    public int Attempt { get; set; }
}

/// <summary>Encodes claims for the <c>posts</c> queue and decodes them with a reason when they are unusable.</summary>
public static class PostMessageCodec
{
    /// <param name="trace">The enqueuing span's context, carried in <c>traceparent</c>/<c>tracestate</c>; none by default.</param>
    public static string Encode(PostClaim claim, string correlationId, DateTimeOffset now, QueuedTraceContext trace = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return JsonSerializer.Serialize(
            new PostMessage
            {
                V = PostMessage.CurrentVersion,
                MessageKind = PostMessage.Kind,
                CorrelationId = correlationId,
                GuildId = claim.GuildId.ToString(CultureInfo.InvariantCulture),
                Feature = PostMessage.ScheduledPostsFeature,
                Action = "publish",
                EnqueuedAt = now,
                PostId = claim.PostId,
                Due = claim.Due,
                Attempt = claim.Attempt,
                TraceParent = trace.TraceParent,
                TraceState = trace.TraceParent is null ? null : trace.TraceState,
            },
            PostJsonContext.Default.PostMessage);
    }

    /// <summary>The claim, or null with the reason (the message then goes to poison).</summary>
    public static (PostClaim? Claim, string? CorrelationId, string? Error) Decode(string text)
    {
        PostMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(text, PostJsonContext.Default.PostMessage);
        }
        catch (JsonException exception)
        {
            return (null, null, $"not JSON ({exception.Message})");
        }

        if (message is null)
        {
            return (null, null, "empty message");
        }

        if (message.V != PostMessage.CurrentVersion || message.MessageKind != PostMessage.Kind)
        {
            return (null, message.CorrelationId, $"unknown version/kind v={message.V} kind={message.MessageKind ?? "(none)"}");
        }

        if (!ulong.TryParse(message.GuildId, NumberStyles.None, CultureInfo.InvariantCulture, out var guildId)
            || string.IsNullOrWhiteSpace(message.PostId) || message.Due is not { } due)
        {
            return (null, message.CorrelationId, "missing guildId, postId or due");
        }

        return (new PostClaim(guildId, message.PostId, due, message.Attempt), message.CorrelationId, null);
    }
}

/// <summary>What a <c>posts</c> message says about itself before it is decoded: enough to restore its trace and tag it.</summary>
public readonly record struct PostEnvelope(QueuedTraceContext Trace, string? CorrelationId, ulong? GuildId)
{
    /// <summary>
    /// Reads the envelope of <paramref name="text"/>; an unreadable message, or a missing or malformed
    /// <c>traceparent</c>, is no trace, never a failure (decoding says what is wrong with the message).
    /// </summary>
    public static PostEnvelope Read(string text)
    {
        PostMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(text, PostJsonContext.Default.PostMessage);
        }
        catch (JsonException)
        {
            return default;
        }

        return message is null
            ? default
            : new PostEnvelope(
                InteractionMessageCodec.ReadTrace(message),
                message.CorrelationId,
                ulong.TryParse(message.GuildId, NumberStyles.None, CultureInfo.InvariantCulture, out var guildId) ? guildId : null);
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PostMessage))]
internal sealed partial class PostJsonContext : JsonSerializerContext;
