using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Sandbox.Json;

/// <summary>Discord's wire shapes (snake_case names declared on each property).</summary>
[JsonSerializable(typeof(ErrorWire))]
[JsonSerializable(typeof(RateLimitedWire))]
[JsonSerializable(typeof(UserWire))]
[JsonSerializable(typeof(ApplicationWire))]
[JsonSerializable(typeof(MessageWire))]
[JsonSerializable(typeof(List<MessageWire>))]
[JsonSerializable(typeof(ChannelWire))]
[JsonSerializable(typeof(GuildWire))]
[JsonSerializable(typeof(MemberWire))]
[JsonSerializable(typeof(VoiceStateWire))]
[JsonSerializable(typeof(GatewayWire))]
[JsonSerializable(typeof(GatewayBotWire))]
[JsonSerializable(typeof(InteractionCallbackWire))]
[JsonSerializable(typeof(List<JsonElement>))]
[JsonSerializable(typeof(GatewayPayloadWire))]
[JsonSerializable(typeof(HelloWire))]
[JsonSerializable(typeof(ReadyWire))]
[JsonSerializable(typeof(ResumedWire))]
[JsonSerializable(typeof(VoiceServerUpdateWire))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Use this instance, not <c>Default</c>: it writes text as Discord does, unescaped UTF-8 ("+", quotes,
    /// "é"), which keeps recorded bodies readable. Nothing here is ever embedded in HTML.
    /// </summary>
    public static SandboxJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>The sandbox's own control API under <c>/_sandbox</c>, shared by the server and the CLI.</summary>
[JsonSerializable(typeof(SandboxInfoWire))]
[JsonSerializable(typeof(CallsWire))]
[JsonSerializable(typeof(TokenRotationWire))]
[JsonSerializable(typeof(SendInteractionRequestWire))]
[JsonSerializable(typeof(SentInteractionWire))]
[JsonSerializable(typeof(FaultRuleWire))]
[JsonSerializable(typeof(List<FaultRuleWire>))]
[JsonSerializable(typeof(ControlErrorWire))]
[JsonSerializable(typeof(GatewayStatusWire))]
[JsonSerializable(typeof(GatewayReceivedWire))]
[JsonSerializable(typeof(GatewayFaultRequestWire))]
[JsonSerializable(typeof(GatewayVoiceSettingsWire))]
[JsonSerializable(typeof(GatewayVoiceServerRequestWire))]
[JsonSerializable(typeof(VoiceStateRequestWire))]
[JsonSerializable(typeof(VoiceStateControlWire))]
[JsonSerializable(typeof(List<VoiceStateControlWire>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ConsoleGuildWire))]
[JsonSerializable(typeof(ConsoleMemberWire))]
[JsonSerializable(typeof(List<ConsoleMemberWire>))]
[JsonSerializable(typeof(ClickRequestWire))]
[JsonSerializable(typeof(MemberPermissionsWire))]
[JsonSerializable(typeof(SubmitRequestWire))]
[JsonSerializable(typeof(InteractionStateWire))]
[JsonSerializable(typeof(ConsoleMessageWire))]
[JsonSerializable(typeof(List<ConsoleMessageWire>))]
[JsonSerializable(typeof(MessageEventWire))]
[JsonSerializable(typeof(CallEventWire))]
[JsonSerializable(typeof(EmptyEventWire))]
[JsonSerializable(typeof(FaultPresetWire))]
internal sealed partial class ControlJsonContext : JsonSerializerContext
{
    /// <summary>camelCase, unescaped text; see <see cref="SandboxJsonContext.Wire"/>.</summary>
    public static ControlJsonContext Control { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
