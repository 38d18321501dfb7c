using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Ops;
using Serverless.Storage;
using Serverless.Storage.Queues;
using Serverless.Storage.ScheduledPosts;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The README's <c>bot-ops</c> examples, run as a newcomer would against the local stack, so the README cannot drift.
/// They are the lines of the fenced block that follows the comment <see cref="Marker"/> in README.md: each is
/// <c>dotnet run --project src/Ops -- ARGS</c> with shell quoting, a <c>#</c> comment allowed at the end; GUILD_ID,
/// POST_ID and NEXT_RUN_AT stand for what the reader copies from earlier output (here: the post this test stores,
/// and <c>nextRunAt</c> as the block's <c>posts show</c> printed it). They run with no settings in the environment
/// and the stack's settings file written as dev-up writes it, so they are also the test of that default.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ReadmeExamplesTests(BotEnvironment bot) : IClassFixture<BotEnvironment>, IDisposable
{
    private const string Marker = "<!-- bot-ops examples:";
    private const string CommandPrefix = "dotnet run --project src/Ops -- ";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _settingsFile = Path.Combine(Path.GetTempPath(), $"dev-settings-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_settingsFile);

    [Fact]
    public async Task TheReadmesBotOpsExamples_AllSucceed_AndTheJobTheySendPublishesThePost()
    {
        await WriteSettingsAsDevUpDoesAsync();
        await RunAsync(["commands", "deploy", "--yes"]);

        // A post of the default guild in a channel of its own, due in an hour: the timer leaves it alone, so
        // only the README's job can publish it now.
        var channel = (ulong)Random.Shared.NextInt64(720000000000000000, 729999999999999999);
        var guild = bot.Discord.Interactions.DefaultGuildId;
        var post = new ScheduledPost
        {
            Id = "readme" + Guid.NewGuid().ToString("N")[..8],
            GuildId = guild,
            ChannelId = channel,
            Content = "Posted by the README's jobs send example.",
            Anchor = DateTimeOffset.UtcNow.AddHours(1),
            NextRunAt = DateTimeOffset.UtcNow.AddHours(1),
            CreatedBy = bot.Discord.Interactions.DefaultUserId,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var store = new TableScheduledPostStore(StorageAccount.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection([new(StorageAccount.SettingName, bot.Azurite.ConnectionString)]).Build()));
        Assert.True(await store.CreateAsync(post, CancellationToken.None));

        var examples = ReadExamples();
        Assert.Contains(examples, args => args.Take(2).SequenceEqual(["jobs", "send"]));
        string? nextRunAt = null;
        foreach (var example in examples)
        {
            var args = example.Select(arg => arg
                    .Replace("GUILD_ID", guild.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("POST_ID", post.Id, StringComparison.Ordinal)
                    .Replace("NEXT_RUN_AT", nextRunAt ?? "NEXT_RUN_AT", StringComparison.Ordinal))
                .ToArray();
            var output = await RunAsync(args);
            if (args.Take(2).SequenceEqual(["posts", "show"]))
            {
                using var shown = JsonDocument.Parse(output);
                nextRunAt = shown.RootElement.GetProperty("nextRunAt").GetString();
            }
        }

        await WaitForAsync(() => bot.Discord.State.ChannelMessages(channel).Count > 0);
        var message = Assert.Single(bot.Discord.State.ChannelMessages(channel));
        Assert.Equal(post.Content, message.Content);
        await WaitForAsync(async () => (await store.GetAsync(guild, post.Id, CancellationToken.None))?.Status == PostStatus.Published);
        await bot.WaitUntilDrainedAsync(QueueNames.Posts, Patience);
        Assert.DoesNotContain(await bot.PeekAsync(QueueNames.Posts + QueueNames.PoisonSuffix), text => text.Contains(post.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AJobWithTheMinutePostsListShows_LandsInPoison_AsTheReadmeWarns()
    {
        await WriteSettingsAsDevUpDoesAsync();
        var postId = "minute" + Guid.NewGuid().ToString("N")[..8];
        var guild = bot.Discord.Interactions.DefaultGuildId.ToString(CultureInfo.InvariantCulture);

        await RunAsync(["jobs", "send", "posts", "--json", $$"""{"kind":"post","guildId":"{{guild}}","postId":"{{postId}}","due":"2026-11-24 09:00"}"""]);

        await WaitForAsync(async () => (await bot.PeekAsync(QueueNames.Posts + QueueNames.PoisonSuffix)).Any(text => text.Contains(postId, StringComparison.Ordinal)));
    }

    /// <summary>The settings file dev-up writes: local.settings.json's shape with the stack's credentials.</summary>
    private Task WriteSettingsAsDevUpDoesAsync() => File.WriteAllTextAsync(_settingsFile, JsonSerializer.Serialize(new
    {
        IsEncrypted = false,
        Values = new Dictionary<string, string>
        {
            ["Discord__ApplicationId"] = bot.Discord.ApplicationId.ToString(CultureInfo.InvariantCulture),
            ["Discord__PublicKey"] = bot.Discord.PublicKeyHex,
            ["Discord__BotToken"] = bot.Discord.BotToken,
            ["Discord__ApiBaseUrl"] = bot.Discord.ApiBaseUrl,
            [StorageAccount.SettingName] = bot.Azurite.ConnectionString,
        },
    }));

    /// <summary>Runs bot-ops in-process as the program does in a checkout where dev-up runs; asserts exit 0; returns standard output.</summary>
    private async Task<string> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var code = await OpsCli.RunAsync(args, environment, output, error, OpsTerminal.None, TimeProvider.System, _settingsFile);
        Assert.True(code == ExitCodes.Ok, $"bot-ops {string.Join(' ', args)}\nexit {code}\nstdout:\n{output}\nstderr:\n{error}");
        return output.ToString();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not done within {Patience}");
            await Task.Delay(100);
        }
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    /// <summary>The argument lists of the README's example block, in order.</summary>
    internal static IReadOnlyList<string[]> ReadExamples()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md"));
        var marker = Array.FindIndex(lines, line => line.StartsWith(Marker, StringComparison.Ordinal));
        Assert.True(marker >= 0, $"README.md has no line starting with '{Marker}'.");
        var open = Array.FindIndex(lines, marker + 1, line => line.StartsWith("```", StringComparison.Ordinal));
        var close = Array.FindIndex(lines, open + 1, line => line.StartsWith("```", StringComparison.Ordinal));
        Assert.True(open > marker && close > open, "The bot-ops examples' fenced block is not closed.");

        var examples = new List<string[]>();
        foreach (var line in lines[(open + 1)..close].Where(line => !string.IsNullOrWhiteSpace(line)))
        {
            Assert.True(line.StartsWith(CommandPrefix, StringComparison.Ordinal), $"Not a bot-ops example: {line}");
            examples.Add(SplitLikeAShell(line[CommandPrefix.Length..]));
        }

        return examples;
    }

    /// <summary>Words as a POSIX shell splits them, for what the examples use: blanks, '…' and "…" quoting, a trailing # comment.</summary>
    internal static string[] SplitLikeAShell(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '\'' or '"')
            {
                var end = line.IndexOf(c, i + 1);
                Assert.True(end > i, $"Unclosed quote in: {line}");
                word.Append(line, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
