using Microsoft.Extensions.Options;

namespace Serverless.Discord.Credentials;

/// <summary>
/// The <c>Discord__BotToken</c> setting, read from the options monitor each time: an app setting changed in place
/// (a reloading configuration source) is seen without a restart.
/// </summary>
public sealed class SettingBotTokenSource(IOptionsMonitor<DiscordOptions> options) : IBotTokenSource
{
    public string Description => "setting Discord__BotToken";

    public Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        var token = options.CurrentValue.BotToken;
        return Task.FromResult(string.IsNullOrWhiteSpace(token) ? null : token.Trim());
    }
}
