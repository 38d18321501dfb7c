using System.Text.Json;
using Serverless.Discord.Interactions;
using Serverless.Discord.Json;

namespace Serverless.Discord.Tests;

public sealed class InteractionModelTests
{
    [Fact]
    public void Deserialize_Ping_ReadsTypeAndIds()
    {
        var ping = Read("ping.json");

        Assert.Equal(InteractionType.Ping, ping.Type);
        Assert.Equal(1312345678901234567UL, ping.Id);
        Assert.Equal(100000000000000001UL, ping.ApplicationId);
        Assert.Equal(80351110224678912UL, ping.Invoker?.Id);
        Assert.Null(ping.GuildId);
    }

    [Fact]
    public void Deserialize_GuildCommandWithUnmodelledFields_ReadsWhatTheBotNeeds()
    {
        var command = Read("command-guild.json");

        Assert.Equal(InteractionType.ApplicationCommand, command.Type);
        Assert.Equal("schedule", command.Data?.Name);
        Assert.Equal(900000000000000001UL, command.GuildId);
        Assert.Equal(80351110224678912UL, command.Invoker?.Id);
        Assert.Equal("2251799813685247", command.Member?.Permissions);
        var create = Assert.Single(command.Data!.Options!)!;
        Assert.Equal(3, create.Options!.Count);
        Assert.Equal("in 2h", create.Options[1]!.Value?.GetString());
        Assert.True(create.Options[2]!.Value?.GetBoolean());
    }

    [Fact]
    public void Deserialize_SnowflakesAsNumbersAndNewFields_IsTolerated()
    {
        var command = Read("command-changed-fields.json");

        Assert.Equal(1312345678901234569UL, command.Id);
        Assert.Equal(900000000000000001UL, command.GuildId);
        Assert.Equal(80351110224678912UL, command.Invoker?.Id);
        Assert.Equal("ping", command.Data?.Name);
    }

    [Fact]
    public void Deserialize_UnknownInteractionType_KeepsTheValue()
    {
        var interaction = Read("future-interaction-type.json");

        Assert.Equal(42, (int)interaction.Type);
    }

    [Theory]
    [InlineData("""{"type":1,"id":"12x"}""")]
    [InlineData("""{"type":1,"id":-5}""")]
    [InlineData("""{"type":1,"id":true}""")]
    public void Deserialize_MalformedSnowflake_Throws(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, DiscordJsonContext.Default.InteractionPayload));
    }

    [Fact]
    public void Serialize_EphemeralMessage_WritesDiscordShapeWithoutNulls()
    {
        var response = new InteractionResponsePayload
        {
            Type = InteractionCallbackType.ChannelMessageWithSource,
            Data = new InteractionCallbackDataPayload { Content = "hi", Flags = MessageFlags.Ephemeral, AllowedMentions = AllowedMentionsPayload.None },
        };

        var json = JsonSerializer.Serialize(response, DiscordJsonContext.Default.InteractionResponsePayload);

        Assert.Equal("""{"type":4,"data":{"content":"hi","flags":64,"allowed_mentions":{"parse":[]}}}""", json);
    }

    private static InteractionPayload Read(string sample)
    {
        var json = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", sample));
        return JsonSerializer.Deserialize(json, DiscordJsonContext.Default.InteractionPayload)!;
    }
}
