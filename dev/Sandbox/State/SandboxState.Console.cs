using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.State;

/// <summary>The console's views of the state (members, messages as shown, interaction states) and the events it is sent.</summary>
public sealed partial class SandboxState
{
    // ---- Members ----

    /// <summary>The directory's members and anyone else in voice in the guild, as the console shows them.</summary>
    internal List<ConsoleMemberWire> MemberViews(ulong guildId)
    {
        lock (_lock)
        {
            var ids = _members.All.Select(member => member.Id).ToList();
            ids.AddRange(_guilds.VoiceStates(guildId).Select(state => state.UserId).Where(id => !ids.Contains(id)));
            return [.. ids.Select(id => MemberViewLocked(guildId, id))];
        }
    }

    internal SandboxMember? FindMember(ulong userId)
    {
        lock (_lock)
        {
            return _members.Find(userId);
        }
    }

    /// <summary>
    /// Changes what is given; null leaves it as it is. Permissions are given through roles, since a bot computes them
    /// from roles (as Discord does for <c>resolved.channels</c>) rather than trusting <c>member.permissions</c>: the
    /// member gets the guild's one-bit role for each bit beyond @everyone's, and loses the moderator's role and any
    /// other one-bit role, so the bits given are exactly what the member has beyond roles of their own. A role adds to
    /// @everyone's bits; it cannot take them away.
    /// </summary>
    /// <returns>The member as now shown, or null for an unknown user.</returns>
    internal ConsoleMemberWire? UpdateMember(ulong guildId, ulong userId, ulong? permissions, IReadOnlyList<ulong>? roles, string? username)
    {
        lock (_lock)
        {
            if (_members.Find(userId) is not { } member)
            {
                return null;
            }

            var newRoles = (roles ?? _guilds.MemberRoles(guildId, userId) ?? []).ToList();
            if (permissions is { } bits)
            {
                EnsurePermissionRolesLocked(guildId);
                newRoles.RemoveAll(IsGrantRole);
                var beyondEveryone = bits & ~SandboxDefaults.EveryonePermissions;
                for (var bit = 0; bit <= SandboxDefaults.HighestPermissionBit; bit++)
                {
                    if ((beyondEveryone & (1UL << bit)) != 0)
                    {
                        newRoles.Add(SandboxDefaults.PermissionRoleId(bit));
                    }
                }
            }

            _members.Set(member with { Permissions = permissions ?? member.Permissions, Username = username ?? member.Username });
            _guilds.SetMemberRoles(guildId, userId, newRoles);

            PublishMemberLocked(guildId, userId);
            return MemberViewLocked(guildId, userId);
        }

        static bool IsGrantRole(ulong role) =>
            role == SandboxDefaults.ModeratorRoleId
            || (role >= SandboxDefaults.PermissionRoleId(0) && role <= SandboxDefaults.PermissionRoleId(SandboxDefaults.HighestPermissionBit));
    }

    /// <summary>The guild's one-bit roles, made once per guild (the default guild has them from the start).</summary>
    private void EnsurePermissionRolesLocked(ulong guildId)
    {
        if (_guilds.Guild(guildId) is { } guild && guild.Roles.Any(role => role.Id == SandboxDefaults.PermissionRoleId(0)))
        {
            return;
        }

        for (var bit = 0; bit <= SandboxDefaults.HighestPermissionBit; bit++)
        {
            _guilds.SetRole(guildId, SandboxDefaults.PermissionRoleId(bit), 1UL << bit);
        }
    }

    private ConsoleMemberWire MemberViewLocked(ulong guildId, ulong userId)
    {
        var member = _members.Find(userId);
        var username = member?.Username ?? "user-" + Id(userId);
        return new ConsoleMemberWire
        {
            Id = Id(userId),
            Username = username,
            DisplayName = username,
            IsBot = member?.IsBot ?? false,
            Permissions = Id(member?.Permissions ?? SandboxDefaults.EveryonePermissions),
            Roles = [.. (_guilds.MemberRoles(guildId, userId) ?? []).Select(Id)],
            VoiceChannelId = _guilds.VoiceState(guildId, userId) is { } voice ? Id(voice.ChannelId) : null,
            IsOwner = userId == _applicationOwnerId,
        };
    }

    private void PublishMemberLocked(ulong guildId, ulong userId) =>
        _events.Publish("member", JsonSerializer.Serialize(MemberViewLocked(guildId, userId), ControlJsonContext.Control.ConsoleMemberWire));

    // ---- Messages and interactions as shown ----

    /// <summary>The channel's last <paramref name="limit"/> messages, oldest first, ephemeral ones included (flagged).</summary>
    internal List<ConsoleMessageWire> ChannelMessageViews(ulong channelId, int limit)
    {
        lock (_lock)
        {
            return _channelMessageIds.TryGetValue(channelId, out var ids)
                ? [.. ids.Skip(Math.Max(0, ids.Count - limit)).Select(id => MessageViewLocked(_messages[id]))]
                : [];
        }
    }

    internal InteractionStateWire? InteractionView(ulong interactionId)
    {
        lock (_lock)
        {
            return _tokensByInteractionId.TryGetValue(interactionId, out var token) ? InteractionViewLocked(_interactions[token]) : null;
        }
    }

    /// <summary>
    /// The interaction's state once it is final, or as it is when <paramref name="wait"/> (real time: a long-poll for a
    /// person or the CLI) runs out; null for an unknown id.
    /// </summary>
    internal async Task<InteractionStateWire?> WaitForFinalAsync(ulong interactionId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (!_tokensByInteractionId.TryGetValue(interactionId, out var token))
                {
                    return null;
                }

                var view = InteractionViewLocked(_interactions[token]);
                if (view.Final || stopwatch.Elapsed >= wait)
                {
                    return view;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(wait - stopwatch.Elapsed, cancellationToken);
            }
            catch (TimeoutException)
            {
                // One last look below.
            }
        }
    }

    /// <summary>The most recent form the bot opened with this custom_id, and the interaction that opened it.</summary>
    internal (SandboxInteractionView Opener, JsonElement Modal)? FindOpenModal(string customId)
    {
        lock (_lock)
        {
            for (var i = _interactionOrder.Count - 1; i >= 0; i--)
            {
                var entry = _interactions[_interactionOrder[i]];
                if (entry.Modal is { } modal && modal.TryGetProperty("custom_id", out var id) && id.GetString() == customId)
                {
                    var opener = entry.Interaction;
                    return (new SandboxInteractionView(opener.GuildId, opener.ChannelId, opener.UserId, opener.MessageId), modal);
                }
            }

            return null;
        }
    }

    /// <summary>The custom_ids of every form the bot has opened, newest first, for error messages.</summary>
    internal IReadOnlyList<string> OpenModalIds()
    {
        lock (_lock)
        {
            return [.. _interactionOrder.AsEnumerable().Reverse()
                .Select(token => _interactions[token].Modal)
                .OfType<JsonElement>()
                .Select(modal => modal.TryGetProperty("custom_id", out var id) ? id.GetString() ?? "" : "")
                .Distinct(StringComparer.Ordinal)];
        }
    }

    private InteractionStateWire InteractionViewLocked(InteractionEntry entry)
    {
        var interaction = entry.Interaction;
        ModalWire? modal = null;
        if (entry.Modal is { } form)
        {
            modal = new ModalWire
            {
                CustomId = form.TryGetProperty("custom_id", out var id) ? id.GetString() ?? "" : "",
                Title = form.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "",
                Components = form.TryGetProperty("components", out var components) ? components : MessageJson.EmptyArray,
            };
        }

        return new InteractionStateWire
        {
            Id = Id(interaction.Id),
            Type = interaction.Type,
            CommandName = interaction.CommandName,
            CustomId = interaction.CustomId,
            UserId = interaction.UserId is { } user ? Id(user) : null,
            ChannelId = interaction.ChannelId is { } channel ? Id(channel) : null,
            GuildId = interaction.GuildId is { } guild ? Id(guild) : null,
            CreatedAt = interaction.CreatedAt,
            InitialResponseType = interaction.InitialResponseType,
            Invalidated = interaction.Invalidated,
            Final = IsFinalLocked(entry),
            Modal = modal,
            Original = interaction.OriginalMessageId is { } originalId && _messages.TryGetValue(originalId, out var original) ? MessageViewLocked(original) : null,
            FollowUps = [.. entry.FollowUpIds.Select(id => _messages.GetValueOrDefault(id)).OfType<SandboxMessage>().Select(MessageViewLocked)],
        };
    }

    /// <summary>
    /// Final: the answer will not change on its own any more. 1, 4, 7 and 9 are final at once; a deferred answer (5)
    /// once "thinking…" is edited away or a follow-up arrives; a deferred update (6) once the clicked message is
    /// edited or a follow-up arrives; a missed deadline or a bot that answered nothing usable at once.
    /// </summary>
    private bool IsFinalLocked(InteractionEntry entry)
    {
        var interaction = entry.Interaction;
        if (interaction.Invalidated)
        {
            return true;
        }

        return interaction.InitialResponseType switch
        {
            null => entry.Settled.Task.IsCompleted,
            5 => entry.FollowUpIds.Count > 0
                || interaction.OriginalMessageId is not { } originalId
                || !_messages.TryGetValue(originalId, out var original)
                || !original.IsLoading,
            6 => entry.FollowUpIds.Count > 0
                || interaction.MessageId is not { } clickedId
                || !_messages.TryGetValue(clickedId, out var clicked)
                || clicked.EditCount > entry.ClickedEditCount,
            _ => true,
        };
    }

    private ConsoleMessageWire MessageViewLocked(SandboxMessage message)
    {
        var author = _members.Find(message.AuthorId);
        MessageInteractionWire? interaction = null;
        if (message.InteractionToken is { } token && _interactions.TryGetValue(token, out var entry))
        {
            var source = entry.Interaction;
            interaction = new MessageInteractionWire
            {
                Id = Id(source.Id),
                Type = source.Type,
                Name = source.CommandName ?? source.CustomId,
                UserId = source.UserId is { } user ? Id(user) : null,
            };
        }

        return new ConsoleMessageWire
        {
            Id = Id(message.Id),
            ChannelId = Id(message.ChannelId),
            GuildId = message.GuildId is { } guild ? Id(guild) : null,
            Author = new MessageAuthorWire
            {
                Id = Id(message.AuthorId),
                Username = author?.Username ?? "user-" + Id(message.AuthorId),
                IsBot = author?.IsBot ?? message.AuthorId == BotUserId,
            },
            Content = message.Content,
            Embeds = message.Embeds,
            Components = message.Components,
            Flags = message.Flags,
            Ephemeral = message.IsEphemeral,
            Loading = message.IsLoading,
            Timestamp = message.Timestamp,
            EditedTimestamp = message.EditedTimestamp,
            EditCount = message.EditCount,
            Interaction = interaction,
        };
    }

    private void PublishMessageLocked(string kind, SandboxMessage message) => _events.Publish(
        "message",
        JsonSerializer.Serialize(new MessageEventWire { Kind = kind, Message = MessageViewLocked(message) }, ControlJsonContext.Control.MessageEventWire));

    /// <summary>Publishes the interaction's state; one that is final now needs no further look.</summary>
    private void PublishInteractionLocked(InteractionEntry entry)
    {
        var view = InteractionViewLocked(entry);
        if (view.Final)
        {
            _pendingFinal.Remove(entry.Interaction.Token);
        }

        _events.Publish("interaction", JsonSerializer.Serialize(view, ControlJsonContext.Control.InteractionStateWire));
    }

    /// <summary>After any change: publish interactions that became final, and wake long-polls.</summary>
    private void ChangedLocked()
    {
        foreach (var token in _pendingFinal.ToList())
        {
            var entry = _interactions[token];
            if (IsFinalLocked(entry))
            {
                PublishInteractionLocked(entry);
            }
        }

        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Where an interaction happened and who sent it, for a form submitted from it.</summary>
internal sealed record SandboxInteractionView(ulong? GuildId, ulong? ChannelId, ulong? UserId, ulong? MessageId);
