using System.Text.Json.Serialization;
using Serverless.Discord.Commands;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;

namespace Serverless.Discord.Json;

/// <summary>The one source-generated serializer for Discord's wire shapes (no reflection, AOT-safe).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(SnowflakeConverter)])]
[JsonSerializable(typeof(InteractionPayload))]
[JsonSerializable(typeof(InteractionResponsePayload))]
[JsonSerializable(typeof(MessageEditPayload))]
[JsonSerializable(typeof(MessageCreatePayload))]
[JsonSerializable(typeof(MessagePayload))]
[JsonSerializable(typeof(IReadOnlyList<MessagePayload>))]
[JsonSerializable(typeof(GatewayBotPayload))]
[JsonSerializable(typeof(UserPayload))]
[JsonSerializable(typeof(ApplicationPayload))]
[JsonSerializable(typeof(ChannelPayload))]
[JsonSerializable(typeof(GuildPayload))]
[JsonSerializable(typeof(GuildMemberPayload))]
[JsonSerializable(typeof(VoiceStatePayload))]
[JsonSerializable(typeof(DiscordErrorPayload))]
[JsonSerializable(typeof(IReadOnlyList<ApplicationCommandPayload>))]
public sealed partial class DiscordJsonContext : JsonSerializerContext;
