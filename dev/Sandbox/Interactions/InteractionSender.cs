using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;

namespace Serverless.Sandbox.Interactions;

/// <summary>
/// Plays Discord's side of the interactions endpoint (<c>sandbox.Interactions</c>): builds an interaction,
/// signs it with the sandbox's key and POSTs it to the bot, then records the bot's initial response.
/// </summary>
public sealed partial class InteractionSender
{
    private const string SignatureHeader = "X-Signature-Ed25519";
    private const string TimestampHeader = "X-Signature-Timestamp";

    private readonly SandboxContext _sandbox;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    internal InteractionSender(SandboxContext sandbox, HttpClient http, ILogger logger)
    {
        _sandbox = sandbox;
        _http = http;
        _logger = logger;
    }

    public ulong DefaultGuildId => SandboxDefaults.GuildId;

    public ulong DefaultChannelId => SandboxDefaults.ChannelId;

    public ulong DefaultUserId => SandboxDefaults.UserId;

    /// <summary>Where interactions go when a call passes no URL.</summary>
    public Uri DefaultBotUrl => _sandbox.Options.BotInteractionsUrl;

    public Task<SentInteraction> SendPingAsync(Uri? botUrl = null, CancellationToken cancellationToken = default)
    {
        var interaction = NewInteraction(type: 1, commandName: null, guildId: null, channelId: null, userId: null);
        var body = InteractionPayload.Ping(interaction.Id, _sandbox.Options.ApplicationId, interaction.Token);
        return SendAsync(interaction, body, botUrl, cancellationToken);
    }

    public Task<SentInteraction> SendCommandAsync(CommandInteraction command, Uri? botUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrWhiteSpace(command.Name);
        var interaction = NewInteraction(type: 2, command.Name, command.GuildId, command.ChannelId, command.UserId);
        var commandId = command.CommandId ?? _sandbox.State.FindCommandId(command.Name, command.GuildId) ?? CommandIdFor(command.Name);
        var body = InteractionPayload.Command(interaction.Id, _sandbox.Options.ApplicationId, interaction.Token, commandId, command, interaction.CreatedAt, _sandbox.State);
        return SendAsync(interaction, body, botUrl, cancellationToken);
    }

    public Task<SentInteraction> SendModalSubmitAsync(ModalSubmitInteraction submit, Uri? botUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submit);
        ArgumentException.ThrowIfNullOrWhiteSpace(submit.CustomId);
        var context = submit.Context;
        var interaction = NewInteraction(type: 5, commandName: null, context.GuildId, context.ChannelId, context.UserId, submit.CustomId, submit.MessageId);
        var message = submit.MessageId is { } id && _sandbox.State.GetMessage(id) is { } found ? found : null;
        var body = InteractionPayload.ModalSubmit(interaction.Id, _sandbox.Options.ApplicationId, interaction.Token, submit, message, interaction.CreatedAt, _sandbox.State);
        return SendAsync(interaction, body, botUrl, cancellationToken);
    }

    /// <summary>Sends a MESSAGE_COMPONENT (type 3) interaction: a click on <paramref name="component"/>'s message, in its channel.</summary>
    /// <exception cref="ArgumentException">The message does not exist (any more).</exception>
    public Task<SentInteraction> SendComponentAsync(ComponentInteraction component, Uri? botUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(component);
        ArgumentException.ThrowIfNullOrWhiteSpace(component.CustomId);
        var message = _sandbox.State.GetMessage(component.MessageId)
            ?? throw new ArgumentException($"Message {component.MessageId} does not exist.", nameof(component));
        var context = component.Context;
        // Channel posts carry no guild id of their own; the channel knows its guild.
        var guildId = message.GuildId ?? _sandbox.State.GetChannel(message.ChannelId).GuildId;
        var interaction = NewInteraction(type: 3, commandName: null, guildId, message.ChannelId, context.UserId, component.CustomId, message.Id);
        var body = InteractionPayload.Component(interaction.Id, _sandbox.Options.ApplicationId, interaction.Token, component, message, guildId, interaction.CreatedAt, _sandbox.State);
        return SendAsync(interaction, body, botUrl, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="body"/> as it is, signed (or mis-signed) as <paramref name="options"/> say. The sandbox
    /// does not register any token from it: this is for testing what the bot refuses.
    /// </summary>
    public async Task<SentInteraction> SendRawAsync(string body, RawInteractionOptions? options = null, Uri? botUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= new RawInteractionOptions();
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = options.Timestamp ?? CurrentTimestamp();
        string? signature = null;
        if (!options.OmitSignatureHeaders)
        {
            signature = options.SignatureOverride ?? (options.SignCorrectly ? Sign(timestamp, bytes) : MisSign(timestamp, bytes));
        }

        var (id, token) = IdentityOf(body);
        var result = await PostAsync(bytes, options.OmitSignatureHeaders ? null : timestamp, signature, options.Headers, botUrl, cancellationToken);
        return result with { InteractionId = id, Token = token, RequestBody = body };
    }

    /// <summary>Signs like Discord: Ed25519 over the timestamp's ASCII bytes followed by the body, as lowercase hex.</summary>
    public string Sign(string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        return _sandbox.SigningKey.Sign(timestamp, body);
    }

    /// <summary>The current <c>X-Signature-Timestamp</c> value: Unix seconds from the sandbox's clock.</summary>
    public string CurrentTimestamp() => _sandbox.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private SandboxInteraction NewInteraction(int type, string? commandName, ulong? guildId, ulong? channelId, ulong? userId, string? customId = null, ulong? messageId = null)
    {
        var interaction = new SandboxInteraction
        {
            Id = _sandbox.Ids.Next(),
            Token = NewToken(),
            Type = type,
            CommandName = commandName,
            CustomId = customId,
            MessageId = messageId,
            GuildId = guildId,
            ChannelId = channelId,
            UserId = userId,
            CreatedAt = _sandbox.Time.GetUtcNow(),
        };
        _sandbox.State.AddInteraction(interaction);
        return interaction;
    }

    private async Task<SentInteraction> SendAsync(SandboxInteraction interaction, string body, Uri? botUrl, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = CurrentTimestamp();
        try
        {
            var sent = await PostAsync(bytes, timestamp, Sign(timestamp, bytes), null, botUrl, cancellationToken);
            return Settle(interaction, sent with { InteractionId = interaction.Id, Token = interaction.Token, RequestBody = body });
        }
        finally
        {
            _sandbox.State.MarkSettled(interaction.Token);
        }
    }

    /// <summary>Applies what Discord does with the bot's answer: a late one kills the token, a 200 with 4 or 5 creates <c>@original</c>.</summary>
    private SentInteraction Settle(SandboxInteraction interaction, SentInteraction sent)
    {
        var deadline = _sandbox.Options.InitialResponseDeadline;
        if (sent.StatusCode != 0 && deadline != Timeout.InfiniteTimeSpan && sent.Elapsed > deadline)
        {
            // Discord gives up after the deadline, shows the user "did not respond" and invalidates the token.
            _sandbox.State.Invalidate(interaction.Token);
            Log.DeadlineExceeded(_logger, interaction.Id, sent.Elapsed.TotalMilliseconds, deadline.TotalMilliseconds);
            return sent with { DeadlineExceeded = true };
        }

        if (sent.StatusCode == 200 && sent.ResponseType is { } type)
        {
            var data = sent.ResponseJson is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("data", out var d) ? d : (JsonElement?)null;
            _sandbox.State.RecordInitialResponse(interaction.Token, type, data, InitialResponseChannel.Inline, _sandbox.Time.GetUtcNow());
        }

        if (sent.StatusCode != 0)
        {
            Log.Answered(_logger, interaction.Id, interaction.CommandName ?? interaction.CustomId ?? "(ping)", sent.StatusCode, sent.ResponseType, sent.Elapsed);
        }

        return sent;
    }

    private async Task<SentInteraction> PostAsync(
        byte[] body,
        string? timestamp,
        string? signature,
        IDictionary<string, string>? headers,
        Uri? botUrl,
        CancellationToken cancellationToken)
    {
        var url = botUrl ?? _sandbox.Options.BotInteractionsUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("Discord-Interactions/1.0 (Serverless.Sandbox)");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader, signature);
        }

        if (timestamp is not null)
        {
            request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Remove(name);
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var started = _sandbox.Time.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var json = TryParse(text);
            return new SentInteraction
            {
                InteractionId = 0,
                Token = "",
                RequestBody = "",
                StatusCode = (int)response.StatusCode,
                ResponseBody = text,
                ResponseContentType = response.Content.Headers.ContentType?.ToString(),
                ResponseJson = json,
                ResponseType = json is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("type", out var t) && t.TryGetInt32(out var type) ? type : null,
                Elapsed = _sandbox.Time.GetElapsedTime(started),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = exception is TaskCanceledException
                ? $"No answer within {_http.Timeout.TotalSeconds:0.#} s."
                : exception.Message;
            Log.Unreachable(_logger, url, reason);
            return new SentInteraction
            {
                InteractionId = 0,
                Token = "",
                RequestBody = "",
                Error = $"Could not reach the bot at {url}: {reason}",
                Elapsed = _sandbox.Time.GetElapsedTime(started),
            };
        }
    }

    private static JsonElement? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A valid-looking signature that does not verify: the right one with a bit flipped.</summary>
    private string MisSign(string timestamp, byte[] body)
    {
        var signature = Convert.FromHexString(Sign(timestamp, body));
        signature[0] ^= 0x01;
        return Convert.ToHexStringLower(signature);
    }

    private static (ulong Id, string Token) IdentityOf(string body)
    {
        var json = TryParse(body);
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            return (0, "");
        }

        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            && ulong.TryParse(idElement.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var token = root.TryGetProperty("token", out var tokenElement) && tokenElement.ValueKind == JsonValueKind.String ? tokenElement.GetString() ?? "" : "";
        return (id, token);
    }

    /// <summary>Unguessable and URL-safe, like Discord's tokens (whose format is not documented).</summary>
    private static string NewToken() => "sandbox_" + Base64Url(RandomNumberGenerator.GetBytes(48));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A stable made-up id per name for commands that were never registered.</summary>
    private static ulong CommandIdFor(string name) =>
        (BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0) & 0x00FF_FFFF_FFFF_FFFF) | 0x0100_0000_0000_0000;

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Interaction {InteractionId} ({CommandName}): the bot answered {StatusCode} with callback type {ResponseType} after {Elapsed}")]
        public static partial void Answered(ILogger logger, ulong interactionId, string commandName, int statusCode, int? responseType, TimeSpan elapsed);

        [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Interaction {InteractionId} answered after {ElapsedMilliseconds:0} ms, past Discord's {DeadlineMilliseconds:0} ms deadline: its token is now invalid")]
        public static partial void DeadlineExceeded(ILogger logger, ulong interactionId, double elapsedMilliseconds, double deadlineMilliseconds);

        [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Could not reach the bot at {Url}: {Reason}")]
        public static partial void Unreachable(ILogger logger, Uri url, string reason);
    }
}
