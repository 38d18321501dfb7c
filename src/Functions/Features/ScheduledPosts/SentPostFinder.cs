using Microsoft.Extensions.Options;
using Serverless.Domain;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// Finds the message an earlier send of an occurrence left in the channel when its outcome is unknown (Discord's
/// answer, or our write after it, was lost). Discord forgets a nonce within minutes and fetched messages do not
/// carry it, so the match is the bot's own message with the post's content, created while that occurrence was
/// being sent: from its first try (less clock skew) to its last try plus the claim's lease, which bounds a try.
/// </summary>
public sealed class SentPostFinder(DiscordRestClient discord, IOptions<ScheduledPostOptions> options)
{
    private const int PageSize = 100;

    /// <summary>A window busier than this many pages is not searched to the end: a person has to look.</summary>
    private const int MaxPages = 20;

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private ulong _botUserId;

    /// <returns>The message's id, or null when the occurrence is not in the channel.</returns>
    /// <exception cref="SentPostSearchExhaustedException">Too many messages in the window to tell.</exception>
    public async Task<ulong?> FindAsync(ScheduledPost post, UnconfirmedSend earlier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(earlier);
        var bot = await BotUserIdAsync(cancellationToken);
        var content = post.Content.Trim();

        // Above the previous occurrence's message, so a recurring post never mistakes it for this one.
        var after = Math.Max(Snowflake.AtTime(earlier.FirstTriedAt - ClockSkew), post.LastMessageId ?? 0);
        var until = earlier.LastTriedAt + options.Value.Lease + ClockSkew;
        for (var page = 0; page < MaxPages; page++)
        {
            var messages = await discord.GetChannelMessagesAfterAsync(post.ChannelId, after, PageSize, cancellationToken);
            var match = messages
                .Where(message => message.Author?.Id == bot && string.Equals(message.Content?.Trim(), content, StringComparison.Ordinal))
                .OrderBy(message => message.Id)
                .FirstOrDefault();
            if (match is not null)
            {
                return match.Id;
            }

            if (messages.Count < PageSize)
            {
                return null;
            }

            after = messages.Max(message => message.Id);
            if (Snowflake.CreatedAt(after) > until)
            {
                return null;
            }
        }

        throw new SentPostSearchExhaustedException(
            $"Could not tell whether the occurrence of {earlier.Occurrence:u} was already posted: over {MaxPages * PageSize} messages "
            + "in the channel since it was sent. Look in the channel; if it is missing, cancel the post and schedule it again.");
    }

    private async Task<ulong> BotUserIdAsync(CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _botUserId);
        if (known != 0)
        {
            return known;
        }

        var id = (await discord.GetCurrentUserAsync(cancellationToken)).Id;
        Volatile.Write(ref _botUserId, id);
        return id;
    }
}

/// <summary>The channel holds too many messages since an unconfirmed send to tell whether it arrived.</summary>
public sealed class SentPostSearchExhaustedException(string message) : Exception(message);
