using System.Globalization;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Lavalink;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The whole music path: the signed command through the DevHost and the worker onto the <c>voice</c> queue in Azurite,
/// the companion (its own process) on the Sandbox's gateway and REST, and the Lavalink double.
/// The sandbox user sits in the default voice channel before the companion connects, so GUILD_CREATE carries it.
/// </summary>
public class MusicEnvironment : BotEnvironment
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public LavalinkDouble Lavalink { get; private set; } = null!;

    public CompanionProcess Companion { get; private set; } = null!;

    protected override SandboxOptions SandboxOptions() => new()
    {
        // Short enough that a few beats happen during a test; the companion's timing is its own.
        Gateway = new SandboxGatewayOptions { HeartbeatInterval = TimeSpan.FromSeconds(2) },
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Lavalink = await LavalinkDouble.StartAsync(new LavalinkDoubleOptions { PlayerUpdateInterval = TimeSpan.FromMilliseconds(500) });
        Discord.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, SandboxDefaults.UserId, SandboxDefaults.VoiceChannelId);
        Companion = new CompanionProcess(CompanionSettings());
        await Companion.StartAsync();
        await Companion.WaitUntilReadyAsync(Patience);
    }

    /// <summary>Another companion process with the same settings (same storage, Sandbox and Lavalink), not yet started.</summary>
    public CompanionProcess NewCompanion() => new(CompanionSettings());

    /// <summary>The companion's process environment; a derived environment adds to it (or replaces a value).</summary>
    protected virtual Dictionary<string, string> CompanionSettings() => new()
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Discord__ApplicationId"] = Discord.ApplicationId.ToString(CultureInfo.InvariantCulture),
        ["Discord__BotToken"] = Discord.BotToken,
        ["Discord__ApiBaseUrl"] = Discord.ApiBaseUrl,
        ["Discord__GatewayUrl"] = Discord.GatewayUrl,
        ["Lavalink__Url"] = Lavalink.BaseUrl,
        ["Lavalink__Password"] = Lavalink.Password,
        ["Lavalink__ReconnectMinDelay"] = "00:00:00.200",
        ["Lavalink__ReconnectMaxDelay"] = "00:00:01",
        ["Companion__VoiceQueue__MaxPollInterval"] = "00:00:00.200",
        ["Companion__Heartbeat__Interval"] = "00:00:01",
        ["Logging__LogLevel__Default"] = "Debug",
        ["Logging__LogLevel__Microsoft"] = "Warning",
        ["Logging__LogLevel__System"] = "Warning",
    };

    public override async Task DisposeAsync()
    {
        await Companion.DisposeAsync();
        await Lavalink.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Sends <c>/music SUBCOMMAND</c> signed, checks it was deferred, and returns the text the companion edited in.</summary>
    public async Task<string> MusicAsync(string subcommand, params CommandOption[] options)
    {
        var command = new CommandInteraction { Name = "music" };
        command.Options.Add(CommandOption.SubCommand(subcommand, options));
        var sent = await Discord.Interactions.SendCommandAsync(command, InteractionsUrl);
        Assert.Equal(200, sent.StatusCode);
        Assert.Equal(5, sent.ResponseType);
        await Discord.WaitForCallAsync(call => call.Method == "PATCH" && call.InteractionToken == sent.Token && call.StatusCode == 200, Patience);
        return Discord.State.GetOriginal(sent.Token)!.Content!;
    }

    public Task<LavalinkPlayerSnapshot> WaitForTrackAsync(string title) =>
        Lavalink.WaitForPlayerAsync(SandboxDefaults.GuildId, player => player.Track?.Title == title && player.IsPlaying, Patience);
}

/// <summary>Its own environment: its test restarts the companion.</summary>
public sealed class MusicRestartEnvironment : MusicEnvironment;

/// <summary>Its own environment: its test stops the Lavalink double.</summary>
public sealed class MusicOutageEnvironment : MusicEnvironment;

/// <summary>Its own environment: its test disconnects the bot from voice and restarts the companion.</summary>
public sealed class MusicKickEnvironment : MusicEnvironment;

/// <summary>Its own environment: its test runs a second companion beside the first and stops and kills them in turn.</summary>
public sealed class CompanionPairEnvironment : MusicEnvironment;
