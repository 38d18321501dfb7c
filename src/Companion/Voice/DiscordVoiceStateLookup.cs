using Serverless.Discord.Gateway.Events;
using Serverless.Discord.Rest;

namespace Serverless.Companion.Voice;

/// <summary><see cref="IVoiceStateLookup"/> through the REST client (rate-limited like every other call).</summary>
public sealed class DiscordVoiceStateLookup(DiscordRestClient discord) : IVoiceStateLookup
{
    public async Task<VoiceMemberState?> GetAsync(ulong guildId, ulong userId, CancellationToken cancellationToken)
    {
        var state = await discord.GetVoiceStateAsync(guildId, userId, cancellationToken);
        return state is null ? null : new VoiceMemberState(state.UserId, state.ChannelId, state.SessionId, IsBot: null);
    }
}
