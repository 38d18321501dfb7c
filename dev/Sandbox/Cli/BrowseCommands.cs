using System.CommandLine;
using System.Globalization;
using System.Text;
using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.Cli;

/// <summary><c>members</c> and <c>messages</c>: look at the sandbox's guild without changing it.</summary>
internal static class BrowseCommands
{
    public static Command CreateMembers(TextWriter output, TextWriter error)
    {
        var sandbox = InteractionRun.SandboxOption();
        var command = new Command("members", "List the members --as can name, with their permissions and voice channel.") { sandbox };
        command.SetAction((parse, cancellationToken) => WithClientAsync(parse.GetValue(sandbox)!, error, async client =>
        {
            var guild = await client.GetGuildAsync(cancellationToken);
            var voice = guild.Channels.ToDictionary(channel => channel.Id, channel => channel.Name, StringComparer.Ordinal);
            var text = new StringBuilder();
            foreach (var member in guild.Members)
            {
                var permissions = ulong.Parse(member.Permissions, NumberStyles.None, CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{member.Username,-20} {member.Id}  ");
                text.Append(member.IsBot ? "bot" : $"permissions {member.Permissions} ({PermissionNames.Describe(permissions)})");
                if (member.VoiceChannelId is { } channel)
                {
                    text.Append("  in voice: ").Append(voice.GetValueOrDefault(channel, channel));
                }

                if (member.IsOwner)
                {
                    text.Append("  (application owner)");
                }

                text.Append('\n');
            }

            await output.WriteAsync(text.ToString());
        }));
        return command;
    }

    public static Command CreateMessages(TextWriter output, TextWriter error)
    {
        var channel = new Option<string>("--channel") { Description = "The channel's id (default: #general).", DefaultValueFactory = _ => SandboxDefaults.ChannelId.ToString(CultureInfo.InvariantCulture) };
        var limit = new Option<int>("--limit") { Description = "How many of the latest messages.", DefaultValueFactory = _ => 20 };
        var sandbox = InteractionRun.SandboxOption();
        var command = new Command("messages", "Show a channel's latest messages, answers included, with their components' custom_ids.") { channel, limit, sandbox };
        command.SetAction((parse, cancellationToken) => WithClientAsync(parse.GetValue(sandbox)!, error, async client =>
        {
            var messages = await client.GetMessagesAsync(parse.GetValue(channel)!, Math.Clamp(parse.GetValue(limit), 1, 1000), cancellationToken);
            var text = new StringBuilder();
            foreach (var message in messages)
            {
                text.Append(AnswerRenderer.Message(message, ""));
            }

            await output.WriteAsync(messages.Count == 0 ? "No messages.\n" : text.ToString());
        }));
        return command;
    }

    private static async Task<int> WithClientAsync(string url, TextWriter error, Func<SandboxClient, Task> run)
    {
        if (!SandboxClient.TryCreate(url, out var client))
        {
            await error.WriteLineAsync($"--sandbox must be an absolute http(s) URL, not '{url}'.");
            return SandboxCli.UsageOrUnreachable;
        }

        using (client)
        {
            try
            {
                await run(client!);
                return SandboxCli.Ok;
            }
            catch (Exception exception) when (exception is SandboxUnreachableException or SandboxRefusedException)
            {
                await error.WriteLineAsync(exception.Message);
                return SandboxCli.UsageOrUnreachable;
            }
        }
    }
}
