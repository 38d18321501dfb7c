using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Sandbox.Events;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.State;

/// <summary>
/// The sandbox's in-memory "Discord": interactions, messages, application commands, and the guilds, roles and
/// channel overwrites that decide the bot's permissions (seeded with the <c>Set…</c> methods). Tests read it
/// (<c>sandbox.State</c>); the REST endpoints and the interaction sender change it. One lock guards it
/// all: traffic is a bot's, not a data centre's, and one lock keeps every read consistent. Every change is also
/// published to the console's event stream (messages, interactions, members, commands).
/// </summary>
public sealed partial class SandboxState
{
    private static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private readonly SnowflakeGenerator _ids;
    private readonly ulong _applicationId;
    private readonly TimeSpan _nonceWindow;
    private readonly Dictionary<ulong, SandboxMessage> _messages = [];
    private readonly Dictionary<ulong, List<ulong>> _channelMessageIds = [];
    private readonly Dictionary<string, InteractionEntry> _interactions = new(StringComparer.Ordinal);
    private readonly List<string> _interactionOrder = [];
    private readonly Dictionary<(ulong ChannelId, string Nonce), (ulong MessageId, DateTimeOffset At)> _nonces = [];
    private readonly Dictionary<ulong, List<SandboxCommand>> _commands = [];
    private readonly GuildDirectory _guilds;
    private readonly MemberDirectory _members;
    private readonly Dictionary<ulong, string> _tokensByInteractionId = [];

    /// <summary>Interactions whose answer may still change: each is published once more when it becomes final.</summary>
    private readonly HashSet<string> _pendingFinal = new(StringComparer.Ordinal);
    private readonly SandboxEventHub _events;
    private readonly ulong _applicationOwnerId;

    /// <summary>Completed (and replaced) on every change, for long-polls.</summary>
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SandboxState(SnowflakeGenerator ids, ulong applicationId, TimeSpan nonceWindow, SandboxEventHub? events = null, ulong applicationOwnerId = SandboxDefaults.UserId)
    {
        _ids = ids;
        _applicationId = applicationId;
        _nonceWindow = nonceWindow;
        _events = events ?? new SandboxEventHub();
        _applicationOwnerId = applicationOwnerId;
        _guilds = new GuildDirectory(BotUserId);
        _members = new MemberDirectory(BotUserId);
        _guilds.SetRole(SandboxDefaults.GuildId, SandboxDefaults.ModeratorRoleId, SandboxDefaults.ModeratorPermissions);
        EnsurePermissionRolesLocked(SandboxDefaults.GuildId);
        _guilds.SetMemberRoles(SandboxDefaults.GuildId, SandboxDefaults.ModeratorUserId, [SandboxDefaults.ModeratorRoleId]);
    }

    /// <summary>The bot user's id; Discord gives a bot user the application's id.</summary>
    public ulong BotUserId => _applicationId;

    /// <summary>Every interaction sent so far, oldest first.</summary>
    public IReadOnlyList<SandboxInteraction> Interactions
    {
        get
        {
            lock (_lock)
            {
                return [.. _interactionOrder.Select(token => _interactions[token].Snapshot())];
            }
        }
    }

    public SandboxInteraction? GetInteraction(string interactionToken)
    {
        lock (_lock)
        {
            return _interactions.GetValueOrDefault(interactionToken)?.Snapshot();
        }
    }

    /// <summary>The interaction's initial response message (<c>@original</c>), or null if it has none (yet, or any more).</summary>
    public SandboxMessage? GetOriginal(string interactionToken)
    {
        lock (_lock)
        {
            return _interactions.GetValueOrDefault(interactionToken)?.OriginalMessageId is { } id ? _messages.GetValueOrDefault(id) : null;
        }
    }

    /// <summary>Follow-up messages of the interaction that still exist, oldest first.</summary>
    public IReadOnlyList<SandboxMessage> FollowUps(string interactionToken)
    {
        lock (_lock)
        {
            return _interactions.TryGetValue(interactionToken, out var entry)
                ? [.. entry.FollowUpIds.Select(id => _messages.GetValueOrDefault(id)).OfType<SandboxMessage>()]
                : [];
        }
    }

    /// <summary>Messages everyone in the channel would see (ephemeral ones are left out), oldest first.</summary>
    public IReadOnlyList<SandboxMessage> ChannelMessages(ulong channelId)
    {
        lock (_lock)
        {
            return _channelMessageIds.TryGetValue(channelId, out var ids)
                ? [.. ids.Select(id => _messages[id]).Where(message => !message.IsEphemeral)]
                : [];
        }
    }

    public SandboxMessage? GetMessage(ulong messageId)
    {
        lock (_lock)
        {
            return _messages.GetValueOrDefault(messageId);
        }
    }

    /// <summary>The registered commands: global ones for a null <paramref name="guildId"/>, else that guild's.</summary>
    public IReadOnlyList<SandboxCommand> Commands(ulong? guildId = null)
    {
        lock (_lock)
        {
            return _commands.TryGetValue(guildId ?? 0, out var list) ? [.. list] : [];
        }
    }

    // ---- Guilds, roles and channels (seeding) ----

    /// <summary>
    /// Makes <paramref name="channelId"/> a channel of this <paramref name="type"/> (0 text, 2 voice, 5 announcement,
    /// 11 public thread, …) in <paramref name="guildId"/> (the default guild when null; none for DM types 1 and 3),
    /// with these overwrites. Unseeded channels are text channels of the default guild with no overwrites. Seeded guild
    /// channels appear in the gateway's GUILD_CREATE; voice channels (2, 13) are where users and the bot can connect.
    /// </summary>
    public void SetChannel(ulong channelId, int type = 0, ulong? guildId = null, IEnumerable<SandboxOverwrite>? overwrites = null, ulong? parentId = null, string? name = null)
    {
        var guild = type is 1 or 3 ? (ulong?)null : guildId ?? SandboxDefaults.GuildId;
        lock (_lock)
        {
            _guilds.SetChannel(new SandboxChannel(channelId, type, guild, parentId, [.. overwrites ?? []], name));
        }
    }

    /// <summary>Where the user is connected in the guild, or null when not in voice.</summary>
    public SandboxVoiceState? GetVoiceState(ulong guildId, ulong userId)
    {
        lock (_lock)
        {
            return _guilds.VoiceState(guildId, userId);
        }
    }

    /// <summary>Everyone connected to a voice channel of the guild, the bot included.</summary>
    public IReadOnlyList<SandboxVoiceState> VoiceStates(ulong guildId)
    {
        lock (_lock)
        {
            return _guilds.VoiceStates(guildId);
        }
    }

    /// <summary>
    /// Creates or changes a role's guild-wide permissions; <paramref name="roleId"/> = <paramref name="guildId"/> is
    /// @everyone. A guild mentioned for the first time (here or in any <c>Set…</c>) exists from then on, owned by
    /// <see cref="SandboxDefaults.UserId"/>, with the bot as a member and @everyone at <see cref="SandboxDefaults.EveryonePermissions"/>.
    /// </summary>
    public void SetRole(ulong guildId, ulong roleId, ulong permissions)
    {
        lock (_lock)
        {
            _guilds.SetRole(guildId, roleId, permissions);
        }
    }

    /// <summary>Gives the bot exactly these roles in the guild (besides the implicit @everyone).</summary>
    public void SetBotRoles(ulong guildId, params ulong[] roleIds)
    {
        ArgumentNullException.ThrowIfNull(roleIds);
        lock (_lock)
        {
            _guilds.SetMemberRoles(guildId, BotUserId, [.. roleIds]);
        }
    }

    /// <summary>Makes <paramref name="ownerId"/> the guild's owner (e.g. the bot, which then has every permission).</summary>
    public void SetGuildOwner(ulong guildId, ulong ownerId)
    {
        lock (_lock)
        {
            _guilds.SetOwner(guildId, ownerId);
        }
    }

    /// <summary>Gives a user exactly these roles in the guild (besides the implicit @everyone); interactions list them in <c>member.roles</c>.</summary>
    public void SetMemberRoles(ulong guildId, ulong userId, params ulong[] roleIds)
    {
        ArgumentNullException.ThrowIfNull(roleIds);
        lock (_lock)
        {
            _guilds.SetMemberRoles(guildId, userId, [.. roleIds]);
        }
    }

    /// <summary>The user's roles in the guild, none when unknown.</summary>
    internal IReadOnlyList<ulong> MemberRoles(ulong guildId, ulong userId)
    {
        lock (_lock)
        {
            return _guilds.MemberRoles(guildId, userId) ?? [];
        }
    }

    /// <summary>
    /// A member's permissions in a channel by Discord's algorithm (owner and Administrator: every bit; else @everyone and
    /// the member's roles, then the channel's @everyone, role and member overwrites), as interactions carry them in
    /// <c>resolved.channels[id].permissions</c>.
    /// </summary>
    internal (int Type, ulong Permissions) MemberPermissionsIn(ulong guildId, ulong channelId, ulong userId)
    {
        lock (_lock)
        {
            var channel = _guilds.Channel(channelId);
            if (_guilds.Guild(guildId) is not { } guild)
            {
                return (channel.Type, 0);
            }

            if (guild.OwnerId == userId)
            {
                return (channel.Type, ulong.MaxValue);
            }

            var roles = (_guilds.MemberRoles(guildId, userId) ?? []).Where(id => id != guildId).ToHashSet();
            var permissions = guild.Roles.Where(role => role.Id == guildId || roles.Contains(role.Id)).Aggregate(0UL, (bits, role) => bits | role.Permissions);
            if ((permissions & 8) != 0)
            {
                return (channel.Type, ulong.MaxValue);
            }

            if (channel.Overwrites.FirstOrDefault(o => o.Type == SandboxOverwrite.RoleType && o.Id == guildId) is { } everyone)
            {
                permissions = (permissions & ~everyone.Deny) | everyone.Allow;
            }

            var roleOverwrites = channel.Overwrites.Where(o => o.Type == SandboxOverwrite.RoleType && roles.Contains(o.Id)).ToList();
            permissions = (permissions & ~roleOverwrites.Aggregate(0UL, (bits, o) => bits | o.Deny)) | roleOverwrites.Aggregate(0UL, (bits, o) => bits | o.Allow);
            if (channel.Overwrites.FirstOrDefault(o => o.Type == SandboxOverwrite.MemberType && o.Id == userId) is { } member)
            {
                permissions = (permissions & ~member.Deny) | member.Allow;
            }

            return (channel.Type, permissions);
        }
    }

    internal SandboxChannel GetChannel(ulong channelId)
    {
        lock (_lock)
        {
            return _guilds.Channel(channelId);
        }
    }

    internal SandboxGuild? GetGuild(ulong guildId)
    {
        lock (_lock)
        {
            return _guilds.Guild(guildId);
        }
    }

    internal IReadOnlyList<ulong> GuildIds()
    {
        lock (_lock)
        {
            return _guilds.GuildIds;
        }
    }

    /// <summary>What GUILD_CREATE tells about one guild, read under one lock so it is consistent.</summary>
    internal SandboxGuildSnapshot? GetGuildSnapshot(ulong guildId)
    {
        lock (_lock)
        {
            if (_guilds.Guild(guildId) is not { } guild)
            {
                return null;
            }

            var voiceStates = _guilds.VoiceStates(guildId);
            var memberIds = new List<ulong> { BotUserId };
            memberIds.AddRange(voiceStates.Select(state => state.UserId).Where(id => id != BotUserId));
            return new SandboxGuildSnapshot(
                guild,
                _guilds.ChannelsOf(guildId),
                [.. memberIds.Select(id => (id, _guilds.MemberRoles(guildId, id) ?? []))],
                voiceStates);
        }
    }

    /// <summary>Connects the user to a voice channel of the guild (or disconnects them for a null channel).</summary>
    /// <returns>The new state, and the previous one (whose session id a disconnect reports).</returns>
    /// <exception cref="ArgumentException">The channel is not a voice channel of that guild.</exception>
    internal (SandboxVoiceState? Current, SandboxVoiceState? Previous) SetVoiceChannel(ulong guildId, ulong userId, ulong? channelId, Func<string> newSessionId, bool selfMute = false, bool selfDeaf = false)
    {
        lock (_lock)
        {
            var previous = _guilds.VoiceState(guildId, userId);
            if (channelId is not { } channel)
            {
                _guilds.RemoveVoiceState(guildId, userId);
                PublishMemberLocked(guildId, userId);
                return (null, previous);
            }

            var target = _guilds.Channel(channel);
            if (!target.IsVoice || target.GuildId != guildId)
            {
                throw new ArgumentException(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Channel {channel} is not a voice channel of guild {guildId}; seed one with SetChannel(id, type: 2, guildId: …)."),
                    nameof(channelId));
            }

            var current = new SandboxVoiceState(guildId, userId, channel, newSessionId(), selfMute, selfDeaf);
            _guilds.SetVoiceState(current);
            PublishMemberLocked(guildId, userId);
            return (current, previous);
        }
    }

    /// <returns>The member's role ids; null when the guild or the member is unknown.</returns>
    internal IReadOnlyList<ulong>? GetMemberRoles(ulong guildId, ulong userId)
    {
        lock (_lock)
        {
            return _guilds.MemberRoles(guildId, userId);
        }
    }

    // ---- Interactions ----

    internal void AddInteraction(SandboxInteraction interaction)
    {
        lock (_lock)
        {
            var entry = new InteractionEntry(interaction);
            if (interaction.MessageId is { } clicked && _messages.TryGetValue(clicked, out var message))
            {
                entry.ClickedEditCount = message.EditCount;
            }

            _interactions.Add(interaction.Token, entry);
            _interactionOrder.Add(interaction.Token);
            _tokensByInteractionId[interaction.Id] = interaction.Token;
            _pendingFinal.Add(interaction.Token);
            PublishInteractionLocked(entry);
            ChangedLocked();
        }
    }

    /// <summary>Looks up a token for a webhook route, applying Discord's checks in Discord's order.</summary>
    internal WebhookAccess CheckWebhook(ulong applicationId, string token, DateTimeOffset now, TimeSpan tokenLifetime)
    {
        lock (_lock)
        {
            if (applicationId != _applicationId || !_interactions.TryGetValue(token, out var entry) || entry.Interaction.Invalidated)
            {
                return WebhookAccess.Unknown;
            }

            return now - entry.Interaction.CreatedAt > tokenLifetime ? WebhookAccess.Expired : WebhookAccess.Allowed;
        }
    }

    /// <summary>Records the initial response; for types 4 and 5 this creates <c>@original</c>.</summary>
    internal InitialResponseOutcome RecordInitialResponse(string token, int type, JsonElement? data, InitialResponseChannel via, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_interactions.TryGetValue(token, out var entry) || entry.Interaction.Invalidated)
            {
                return InitialResponseOutcome.Unknown;
            }

            if (entry.Interaction.InitialResponseType is not null)
            {
                return InitialResponseOutcome.AlreadyAcknowledged;
            }

            ulong? originalId = null;
            if (type is 6 or 7 && entry.Interaction.MessageId is { } clickedId && _messages.ContainsKey(clickedId))
            {
                // A component's or form's update answer: @original is the message the component is on.
                originalId = clickedId;
                if (type == 7 && data is { ValueKind: JsonValueKind.Object } update && MessageDraft.Parse(update, out _) is { } draft)
                {
                    EditLocked(clickedId, draft, now);
                }
            }

            if (type == 9 && data is { ValueKind: JsonValueKind.Object } modal)
            {
                entry.Modal = modal.Clone();
            }

            if (type is 4 or 5)
            {
                var draft = data is { ValueKind: JsonValueKind.Object } d ? MessageDraft.Parse(d, out _) ?? MessageDraft.Empty : MessageDraft.Empty;
                var message = draft.Create(_ids.Next(), entry.Interaction.ChannelId ?? 0, now) with
                {
                    GuildId = entry.Interaction.GuildId,
                    Type = 20,
                    AuthorId = BotUserId,
                    WebhookId = _applicationId,
                    InteractionToken = token,
                    Nonce = null,
                };
                if (type == 5)
                {
                    // A deferred answer shows "thinking…": empty and loading; only EPHEMERAL survives from its flags.
                    message = message with
                    {
                        Content = "",
                        Embeds = MessageJson.EmptyArray,
                        Components = MessageJson.EmptyArray,
                        Flags = SandboxMessage.LoadingFlag | (message.Flags & SandboxMessage.EphemeralFlag),
                    };
                }

                AddMessageLocked(message);
                originalId = message.Id;
            }

            entry.Interaction = entry.Interaction with { InitialResponseType = type, InitialResponseVia = via, OriginalMessageId = originalId };
            entry.Settled.TrySetResult();
            PublishInteractionLocked(entry);
            ChangedLocked();
            return InitialResponseOutcome.Recorded;
        }
    }

    /// <summary>Checks an interaction callback (<c>POST /interactions/{id}/{token}/callback</c>) before its body is applied.</summary>
    internal InitialResponseOutcome CheckCallback(ulong interactionId, string token, DateTimeOffset now, TimeSpan deadline)
    {
        lock (_lock)
        {
            if (!_interactions.TryGetValue(token, out var entry) || entry.Interaction.Id != interactionId || entry.Interaction.Invalidated
                || (deadline != Timeout.InfiniteTimeSpan && now - entry.Interaction.CreatedAt > deadline))
            {
                return InitialResponseOutcome.Unknown;
            }

            return entry.Interaction.InitialResponseType is null ? InitialResponseOutcome.Recorded : InitialResponseOutcome.AlreadyAcknowledged;
        }
    }

    /// <summary>What Discord does when the initial response comes too late: the token dies.</summary>
    internal void Invalidate(string token)
    {
        lock (_lock)
        {
            if (_interactions.TryGetValue(token, out var entry) && entry.Interaction.InitialResponseType is null)
            {
                entry.Interaction = entry.Interaction with { Invalidated = true };
                entry.Settled.TrySetResult();
                ChangedLocked();
            }
        }
    }

    /// <summary>The sender is done with the interaction: the bot answered (or failed to).</summary>
    internal void MarkSettled(string token)
    {
        lock (_lock)
        {
            _interactions.GetValueOrDefault(token)?.Settled.TrySetResult();
            ChangedLocked();
        }
    }

    /// <summary>
    /// Waits until the interaction's initial response is known. A bot may defer and PATCH <c>@original</c> at once,
    /// before the sender has read the defer off the wire; without this wait that PATCH could lose the race and
    /// get 10008. The wait is bounded in real time (not the TimeProvider: it guards an in-process race) by
    /// Discord's 3 s, after which Discord would have given up on the interaction anyway.
    /// </summary>
    internal async Task WaitUntilSettledAsync(string token, CancellationToken cancellationToken)
    {
        Task settled;
        lock (_lock)
        {
            if (!_interactions.TryGetValue(token, out var entry))
            {
                return;
            }

            settled = entry.Settled.Task;
        }

        try
        {
            await settled.WaitAsync(SettleWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The bot is calling us before answering the interaction: it gets what Discord would say now.
        }
    }

    internal SandboxMessage? EditOriginal(string token, MessageDraft draft, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _interactions.GetValueOrDefault(token)?.OriginalMessageId is { } id ? EditLocked(id, draft, now) : null;
        }
    }

    internal bool DeleteOriginal(string token)
    {
        lock (_lock)
        {
            if (_interactions.GetValueOrDefault(token) is not { OriginalMessageId: { } id } entry)
            {
                return false;
            }

            entry.Interaction = entry.Interaction with { OriginalMessageId = null };
            return DeleteLocked(id);
        }
    }

    /// <returns>
    /// The message, and whether it is <c>@original</c> edited instead: Discord's deprecated behaviour for the first
    /// follow-up after a deferred (type 5) answer, reproduced so the sandbox shows what a user would see.
    /// </returns>
    internal (SandboxMessage Message, bool EditedLoadingOriginal) CreateFollowUp(string token, MessageDraft draft, DateTimeOffset now)
    {
        lock (_lock)
        {
            var entry = _interactions[token];
            if (entry.OriginalMessageId is { } originalId && _messages.TryGetValue(originalId, out var original) && original.IsLoading)
            {
                return (EditLocked(originalId, draft, now)!, true);
            }

            var message = draft.Create(_ids.Next(), entry.Interaction.ChannelId ?? 0, now) with
            {
                GuildId = entry.Interaction.GuildId,
                AuthorId = BotUserId,
                WebhookId = _applicationId,
                InteractionToken = token,
                Nonce = null,
            };
            entry.FollowUpIds.Add(message.Id);
            AddMessageLocked(message);
            return (message, false);
        }
    }

    /// <summary>A message of this interaction (original or follow-up) by id.</summary>
    internal SandboxMessage? GetInteractionMessage(string token, ulong messageId)
    {
        lock (_lock)
        {
            return BelongsLocked(token, messageId) ? _messages.GetValueOrDefault(messageId) : null;
        }
    }

    internal SandboxMessage? EditInteractionMessage(string token, ulong messageId, MessageDraft draft, DateTimeOffset now)
    {
        lock (_lock)
        {
            return BelongsLocked(token, messageId) ? EditLocked(messageId, draft, now) : null;
        }
    }

    internal bool DeleteInteractionMessage(string token, ulong messageId)
    {
        lock (_lock)
        {
            if (!BelongsLocked(token, messageId))
            {
                return false;
            }

            var entry = _interactions[token];
            if (entry.OriginalMessageId == messageId)
            {
                entry.Interaction = entry.Interaction with { OriginalMessageId = null };
            }

            return DeleteLocked(messageId);
        }
    }

    // ---- Channel messages ----

    /// <returns>The message, and whether it is an earlier one returned again because of <c>enforce_nonce</c>.</returns>
    internal (SandboxMessage Message, bool Deduplicated) CreateChannelMessage(ulong channelId, MessageDraft draft, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (draft.EnforceNonce && draft.Nonce is { } nonce
                && _nonces.TryGetValue((channelId, nonce), out var seen)
                && now - seen.At <= _nonceWindow
                && _messages.TryGetValue(seen.MessageId, out var earlier))
            {
                return (earlier, true);
            }

            // EPHEMERAL only exists for interaction responses; Discord ignores it here.
            var message = draft.Create(_ids.Next(), channelId, now) with { AuthorId = BotUserId };
            message = message with { Flags = message.Flags & ~SandboxMessage.EphemeralFlag };
            AddMessageLocked(message);
            if (draft.EnforceNonce && draft.Nonce is { } newNonce)
            {
                _nonces[(channelId, newNonce)] = (message.Id, now);
            }

            return (message, false);
        }
    }

    internal SandboxMessage? GetChannelMessage(ulong channelId, ulong messageId)
    {
        lock (_lock)
        {
            return _messages.TryGetValue(messageId, out var message) && message.ChannelId == channelId && !message.IsEphemeral ? message : null;
        }
    }

    internal SandboxMessage? EditChannelMessage(ulong channelId, ulong messageId, MessageDraft draft, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _messages.TryGetValue(messageId, out var message) && message.ChannelId == channelId && !message.IsEphemeral
                ? EditLocked(messageId, draft, now)
                : null;
        }
    }

    internal bool DeleteChannelMessage(ulong channelId, ulong messageId)
    {
        lock (_lock)
        {
            if (!_messages.TryGetValue(messageId, out var message) || message.ChannelId != channelId || message.IsEphemeral)
            {
                return false;
            }

            // Deleting an interaction response from the channel also removes it from its interaction.
            if (message.InteractionToken is { } token && _interactions.TryGetValue(token, out var entry) && entry.OriginalMessageId == messageId)
            {
                entry.Interaction = entry.Interaction with { OriginalMessageId = null };
            }

            return DeleteLocked(messageId);
        }
    }

    // ---- Application commands ----

    /// <summary>Bulk overwrite: the given commands replace all of the scope's; a name (per type) keeps its id across overwrites.</summary>
    internal IReadOnlyList<SandboxCommand> OverwriteCommands(ulong? guildId, IReadOnlyList<JsonObject> commands)
    {
        lock (_lock)
        {
            var previous = _commands.TryGetValue(guildId ?? 0, out var list) ? list : [];
            var version = _ids.Next();
            var stored = new List<SandboxCommand>(commands.Count);
            foreach (var command in commands)
            {
                var name = command["name"]!.GetValue<string>();
                var type = command["type"] is JsonValue typeValue && typeValue.TryGetValue<int>(out var t) ? t : 1;
                var id = previous.FirstOrDefault(existing => existing.Name == name && existing.Type == type)?.Id ?? _ids.Next();
                var description = command["description"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : "";

                var json = (JsonObject)command.DeepClone();
                json["id"] = Snowflake(id);
                json["application_id"] = Snowflake(_applicationId);
                json["version"] = Snowflake(version);
                json["type"] = type;
                json["description"] = description;
                json["default_member_permissions"] ??= null;
                json["nsfw"] ??= false;
                if (guildId is { } guild)
                {
                    json["guild_id"] = Snowflake(guild);
                }
                else
                {
                    json.Remove("guild_id");
                }

                stored.Add(new SandboxCommand(id, _applicationId, guildId, name, type, description, version, MessageJson.Parse(json.ToJsonString())));
            }

            _commands[guildId ?? 0] = stored;
            _events.Publish("commands", JsonSerializer.Serialize(new EmptyEventWire(), ControlJsonContext.Control.EmptyEventWire));
            return stored;
        }
    }

    /// <summary>The id a command with this name has in the guild or globally, for interactions that invoke it.</summary>
    internal ulong? FindCommandId(string name, ulong? guildId)
    {
        lock (_lock)
        {
            var inGuild = guildId is { } guild && _commands.TryGetValue(guild, out var guildCommands)
                ? guildCommands.FirstOrDefault(command => command.Name == name && command.Type == 1)
                : null;
            return (inGuild ?? (_commands.TryGetValue(0, out var global) ? global.FirstOrDefault(command => command.Name == name && command.Type == 1) : null))?.Id;
        }
    }

    private static string Snowflake(ulong id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void AddMessageLocked(SandboxMessage message)
    {
        _messages.Add(message.Id, message);
        if (!_channelMessageIds.TryGetValue(message.ChannelId, out var ids))
        {
            ids = [];
            _channelMessageIds.Add(message.ChannelId, ids);
        }

        ids.Add(message.Id);
        PublishMessageLocked("created", message);
        ChangedLocked();
    }

    private SandboxMessage? EditLocked(ulong messageId, MessageDraft draft, DateTimeOffset now)
    {
        if (!_messages.TryGetValue(messageId, out var message))
        {
            return null;
        }

        var edited = draft.ApplyTo(message, now);
        _messages[messageId] = edited;
        PublishMessageLocked("updated", edited);
        ChangedLocked();
        return edited;
    }

    private bool DeleteLocked(ulong messageId)
    {
        if (!_messages.Remove(messageId, out var message))
        {
            return false;
        }

        _channelMessageIds[message.ChannelId].Remove(messageId);
        PublishMessageLocked("deleted", message);
        ChangedLocked();
        return true;
    }

    private bool BelongsLocked(string token, ulong messageId) =>
        _interactions.TryGetValue(token, out var entry)
        && (entry.OriginalMessageId == messageId || entry.FollowUpIds.Contains(messageId));

    /// <summary>The mutable bookkeeping behind a <see cref="SandboxInteraction"/> snapshot.</summary>
    private sealed class InteractionEntry(SandboxInteraction interaction)
    {
        public SandboxInteraction Interaction { get; set; } = interaction;

        public ulong? OriginalMessageId => Interaction.OriginalMessageId;

        public List<ulong> FollowUpIds { get; } = [];

        /// <summary>The form the bot opened (callback type 9), as it sent it.</summary>
        public JsonElement? Modal { get; set; }

        /// <summary>The clicked message's edit count when the interaction was sent: a later edit finishes a deferred update.</summary>
        public int ClickedEditCount { get; set; }

        public TaskCompletionSource Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SandboxInteraction Snapshot() => Interaction;
    }
}

/// <param name="Members">The bot and everyone in voice, with their role ids.</param>
internal sealed record SandboxGuildSnapshot(
    SandboxGuild Guild,
    IReadOnlyList<SandboxChannel> Channels,
    IReadOnlyList<(ulong UserId, IReadOnlyList<ulong> RoleIds)> Members,
    IReadOnlyList<SandboxVoiceState> VoiceStates);

internal enum WebhookAccess
{
    Allowed,
    Unknown,
    Expired,
}

internal enum InitialResponseOutcome
{
    Recorded,
    Unknown,
    AlreadyAcknowledged,
}
