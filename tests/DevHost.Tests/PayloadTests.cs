using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.DevHost.Handler;
using Serverless.DevHost.Payloads;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Tests.Support;
using Serverless.DevHost.Timers;
using Xunit;

namespace Serverless.DevHost.Tests;

/// <summary>The payloads the DevHost sends, against the host-shaped samples in Samples/ (copied from shared/samples/functions-host).</summary>
public sealed class PayloadTests
{
    private const string EnvelopeMessage =
        """{"v":1,"kind":"interaction","correlationId":"0f8fad5b-d9cb-469f-a165-70867728950e","guildId":"900000000000000001","feature":"status","action":"run"}""";

    [Fact]
    public void QueuePayload_ForTheSampleMessage_EqualsTheSampleExactly()
    {
        var message = new ReceivedQueueMessage(
            "interactions",
            "6c3a1f0e-2a7b-4c1e-9a55-1d2e3f4a5b6c",
            "AgAAAAMAAAAAAAAA",
            EnvelopeMessage,
            DequeueCount: 1,
            InsertedOn: At("2026-11-23T08:00:00Z"),
            ExpiresOn: At("2026-11-30T08:00:00Z"),
            NextVisibleOn: At("2026-11-23T08:10:00Z"));

        var payload = InvocationPayloads.BuildQueuePayload(
            "interaction-worker", "message", EnvelopeMessage, message, At("2026-11-23T08:00:01.1234567Z"), Guid.Parse("8d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f"));

        AssertSameJson(Sample("queue-invocation.json"), JsonNode.Parse(payload)!);
    }

    [Fact]
    public void QueuePayload_Data_IsTheMessageTextEncodedAsAJsonStringOnceMore()
    {
        var payload = JsonNode.Parse(BuildQueuePayload(EnvelopeMessage))!;

        var data = payload["Data"]!["message"]!.GetValue<string>();
        Assert.Equal(EnvelopeMessage, JsonSerializer.Deserialize<string>(data));
    }

    [Fact]
    public void QueuePayload_MetadataValues_AreStringsAndMessageFieldsArePromotedJsonEncoded()
    {
        var metadata = JsonNode.Parse(BuildQueuePayload("""{"v":2,"kind":"post","ok":true,"nested":{"a":[1,2]},"list":[1,"x"],"none":null,"text":"é \"q\""}"""))!["Metadata"]!;

        Assert.Equal("2", metadata["v"]!.GetValue<string>());
        Assert.Equal("\"post\"", metadata["kind"]!.GetValue<string>());
        Assert.Equal("true", metadata["ok"]!.GetValue<string>());
        Assert.Equal("""{"a":[1,2]}""", metadata["nested"]!.GetValue<string>());
        Assert.Equal("""[1,"x"]""", metadata["list"]!.GetValue<string>());
        Assert.Equal("null", metadata["none"]!.GetValue<string>());
        Assert.Equal("\"é \\\"q\\\"\"", metadata["text"]!.GetValue<string>());
        Assert.All(metadata.AsObject().Where(property => property.Key != "sys"), property => Assert.Equal(JsonValueKind.String, property.Value!.GetValueKind()));
    }

    [Fact]
    public void QueuePayload_MessageFieldNamedLikeTriggerMetadata_ReplacesItInPlace_ExceptSys()
    {
        var named = new List<string>();
        var payload = InvocationPayloads.BuildQueuePayload(
            "worker", "message", """{"id":"mine","DequeueCount":99,"sys":1,"queueTrigger":"x","kept":1}""", Message(), At("2026-11-23T08:00:00Z"), Guid.Empty, named.Add);

        var metadata = JsonNode.Parse(payload)!["Metadata"]!.AsObject();
        Assert.Equal(["DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "kept", "sys"], metadata.Select(property => property.Key));
        Assert.Equal("\"mine\"", metadata["Id"]!.GetValue<string>());
        Assert.Equal("99", metadata["DequeueCount"]!.GetValue<string>());
        Assert.Equal("worker", metadata["sys"]!["MethodName"]!.GetValue<string>());
        Assert.Equal("1", metadata["kept"]!.GetValue<string>());
        Assert.Equal(["id", "DequeueCount", "sys"], named);
    }

    [Fact]
    public void QueuePayload_DatesTheServiceLeftOut_AreFilledInAsTheHostDoes()
    {
        var message = Message() with { ExpiresOn = null, InsertedOn = null, NextVisibleOn = null };

        var metadata = JsonNode.Parse(InvocationPayloads.BuildQueuePayload("worker", "message", "x", message, At("2026-11-23T08:00:00Z"), Guid.Empty))!["Metadata"]!;

        Assert.Equal("9999-12-31T23:59:59.9999999+00:00", metadata["ExpirationTime"]!.GetValue<string>());
        Assert.Equal("2026-11-23T08:00:00+00:00", metadata["InsertionTime"]!.GetValue<string>());
        Assert.Equal("9999-12-31T23:59:59.9999999+00:00", metadata["NextVisibleTime"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("plain text, not JSON")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a JSON string\"")]
    public void QueuePayload_MessageThatIsNotAJsonObject_PromotesNothing(string text)
    {
        var metadata = JsonNode.Parse(BuildQueuePayload(text))!["Metadata"]!.AsObject();

        Assert.Equal(["DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "sys"], metadata.Select(property => property.Key));
        Assert.Equal(text, JsonSerializer.Deserialize<string>(JsonNode.Parse(BuildQueuePayload(text))!["Data"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public void TimerPayload_ForTheSampleStatus_EqualsTheSampleExactly()
    {
        Assert.True(TimerSchedule.TryParse("0 */1 * * * *", out var schedule, out _));
        var status = new TimerScheduleStatus(At("2026-11-23T07:59:00Z"), At("2026-11-23T08:01:00Z"), At("2026-11-23T07:59:00Z"));

        var payload = InvocationPayloads.BuildTimerPayload(
            "scheduled-posts-due", "timer", schedule, status, isPastDue: false, At("2026-11-23T08:00:00.0123456Z"), Guid.Parse("1b2c3d4e-5f60-4718-9a0b-c1d2e3f4a5b6"));

        AssertSameJson(Sample("timer-invocation.json"), JsonNode.Parse(payload)!);
    }

    [Fact]
    public void TimerPayload_WithoutMonitor_HasNullStatus_AndConstantScheduleDoesNotAdjustForDst()
    {
        Assert.True(TimerSchedule.TryParse("00:00:10", out var schedule, out _));

        var timer = JsonNode.Parse(InvocationPayloads.BuildTimerPayload("fast", "myTimer", schedule, null, false, At("2026-11-23T08:00:00Z"), Guid.Empty))!["Data"]!["myTimer"]!;

        Assert.Null(timer["ScheduleStatus"]);
        Assert.True(timer.AsObject().ContainsKey("ScheduleStatus"));
        Assert.False(timer["Schedule"]!["AdjustForDST"]!.GetValue<bool>());
    }

    [Fact]
    public void TimerPayload_NeverRun_ShowsTheHostsDefaultDateTime()
    {
        Assert.True(TimerSchedule.TryParse("0 */1 * * * *", out var schedule, out _));

        var status = JsonNode.Parse(InvocationPayloads.BuildTimerPayload(
            "t", "timer", schedule, new TimerScheduleStatus(null, At("2026-11-23T08:01:00Z"), null), false, At("2026-11-23T08:01:00Z"), Guid.Empty))!["Data"]!["timer"]!["ScheduleStatus"]!;

        Assert.Equal("0001-01-01T00:00:00", status["Last"]!.GetValue<string>());
        Assert.Equal("2026-11-23T08:01:00+00:00", status["Next"]!.GetValue<string>());
        Assert.Equal("0001-01-01T00:00:00", status["LastUpdated"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("2026-11-23T08:00:00Z", "2026-11-23T08:00:00Z", "2026-11-23T08:00:00+00:00")]
    [InlineData("2026-11-23T08:00:00.5Z", "2026-11-23T08:00:00.5Z", "2026-11-23T08:00:00.5+00:00")]
    [InlineData("2026-11-23T09:00:00.0123456+01:00", "2026-11-23T08:00:00.0123456Z", "2026-11-23T08:00:00.0123456+00:00")]
    public void DateFormats_MatchJsonNet_TrailingZerosDropped(string value, string utc, string withOffset)
    {
        Assert.Equal(utc, InvocationPayloads.FormatUtc(At(value)));
        Assert.Equal(withOffset, InvocationPayloads.FormatDateTimeOffset(At(value)));
    }

    [Fact]
    public void InvocationResponse_TheSampleAnswer_SucceedsWithItsLogs()
    {
        var result = InvocationResponse.Read(200, "application/json", File.ReadAllBytes(TestPaths.Sample("invocation-response.json")));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["claimed 3 due posts in 41 ms"], result.Logs);
    }

    [Theory]
    [InlineData(500, "application/json", "{}", "the handler answered 500: {}")]
    [InlineData(200, "text/plain", "ok", "the handler answered 200 with content type 'text/plain', not application/json")]
    [InlineData(200, null, "", "the handler answered 200 with content type '(none)', not application/json")]
    [InlineData(200, "application/json", "null", "the handler answered 200 with JSON that is not an object: null")]
    public void InvocationResponse_NotASuccessfulJsonObject_FailsTheInvocation(int status, string? mediaType, string body, string error)
    {
        var result = InvocationResponse.Read(status, mediaType, System.Text.Encoding.UTF8.GetBytes(body));

        Assert.False(result.Succeeded);
        Assert.Equal(error, result.Error);
    }

    private static byte[] BuildQueuePayload(string text) =>
        InvocationPayloads.BuildQueuePayload("worker", "message", text, Message(), At("2026-11-23T08:00:00Z"), Guid.Empty);

    private static ReceivedQueueMessage Message() =>
        new("work", "msg-1", "receipt", "stored", 3, At("2026-11-23T08:00:00Z"), At("2026-11-30T08:00:00Z"), At("2026-11-23T08:10:00Z"));

    private static DateTimeOffset At(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static JsonNode Sample(string name) => JsonNode.Parse(File.ReadAllText(TestPaths.Sample(name)))!;

    /// <summary>Same values and, in every object, the same property order as the sample.</summary>
    private static void AssertSameJson(JsonNode expected, JsonNode actual)
    {
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
        AssertSameOrder(expected, actual);
    }

    private static void AssertSameOrder(JsonNode? expected, JsonNode? actual)
    {
        if (expected is JsonObject expectedObject && actual is JsonObject actualObject)
        {
            Assert.Equal(expectedObject.Select(property => property.Key), actualObject.Select(property => property.Key));
            foreach (var (name, value) in expectedObject)
            {
                AssertSameOrder(value, actualObject[name]);
            }
        }
    }
}
