using System.Text;
using Azure.Data.Tables;
using Serverless.Storage.Backup;

namespace Serverless.Storage.Tests.Backup;

public sealed class EntityLineCodecTests
{
    private static TableEntity EveryType() => new("guild-1", "row/é")
    {
        ["Text"] = "Título ♪ \"quoted\"\nnext line",
        ["Empty"] = "",
        ["Int32"] = int.MinValue,
        ["Int64"] = (1L << 53) + 1,
        ["Int64Max"] = long.MaxValue,
        ["Double"] = 0.1 + 0.2,
        ["NaN"] = double.NaN,
        ["Infinity"] = double.NegativeInfinity,
        ["Bool"] = true,
        ["When"] = new DateTimeOffset(2026, 12, 4, 23, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234567),
        ["Id"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
    };

    [Fact]
    public void EveryEdmType_RoundTrips_WithItsTypeAndValue()
    {
        var original = EveryType();

        var decoded = EntityLineCodec.Decode(EntityLineCodec.Encode(original));

        Assert.Equal(original.PartitionKey, decoded.PartitionKey);
        Assert.Equal(original.RowKey, decoded.RowKey);
        Assert.Equal(original.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).Order(), decoded.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).Order());
        Assert.Equal("Título ♪ \"quoted\"\nnext line", Assert.IsType<string>(decoded["Text"]));
        Assert.Equal("", Assert.IsType<string>(decoded["Empty"]));
        Assert.Equal(int.MinValue, Assert.IsType<int>(decoded["Int32"]));
        Assert.Equal((1L << 53) + 1, Assert.IsType<long>(decoded["Int64"]));
        Assert.Equal(long.MaxValue, Assert.IsType<long>(decoded["Int64Max"]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(decoded["Double"])));
        Assert.True(double.IsNaN(Assert.IsType<double>(decoded["NaN"])));
        Assert.Equal(double.NegativeInfinity, Assert.IsType<double>(decoded["Infinity"]));
        Assert.True(Assert.IsType<bool>(decoded["Bool"]));
        var when = Assert.IsType<DateTimeOffset>(decoded["When"]);
        Assert.Equal((DateTimeOffset)original["When"], when);
        Assert.Equal(TimeSpan.FromHours(2), when.Offset);
        Assert.Equal(((DateTimeOffset)original["When"]).UtcTicks, when.UtcTicks);
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Assert.IsType<Guid>(decoded["Id"]));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, Assert.IsType<byte[]>(decoded["Bytes"]));
    }

    [Fact]
    public void Int64_IsWrittenAsAString_SoReadersThatUseDoublesDoNotRoundIt()
    {
        var line = Encoding.UTF8.GetString(EntityLineCodec.Encode(new TableEntity("p", "r") { ["Big"] = 9007199254740993L }));

        Assert.Contains("\"Big\":{\"type\":\"int64\",\"value\":\"9007199254740993\"}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryData_IsWrittenAsBinary_LikeAByteArray()
    {
        var asBytes = EntityLineCodec.Encode(new TableEntity("p", "r") { ["B"] = new byte[] { 1, 2, 3 } });
        var asBinaryData = EntityLineCodec.Encode(new TableEntity("p", "r") { ["B"] = BinaryData.FromBytes(new byte[] { 1, 2, 3 }) });

        Assert.Equal(asBytes, asBinaryData);
        Assert.Contains("\"type\":\"binary\",\"value\":\"AQID\"", Encoding.UTF8.GetString(asBytes), StringComparison.Ordinal);
    }

    [Fact]
    public void NullProperties_AreAbsent_AndServiceFieldsAreLeftOut()
    {
        var entity = new TableEntity("p", "r") { ["Gone"] = null, ["Kept"] = 1, ["Timestamp"] = DateTimeOffset.UnixEpoch };
        entity.ETag = new Azure.ETag("W/\"datetime'2026'\"");

        var line = Encoding.UTF8.GetString(EntityLineCodec.Encode(entity));
        var decoded = EntityLineCodec.Decode(Encoding.UTF8.GetBytes(line));

        Assert.Equal("{\"partitionKey\":\"p\",\"rowKey\":\"r\",\"properties\":{\"Kept\":{\"type\":\"int32\",\"value\":1}}}", line);
        Assert.False(decoded.ContainsKey("Gone"));
    }

    [Fact]
    public void Properties_AreWrittenInNameOrder_SoTheSameRowGivesTheSameBytes()
    {
        var one = new TableEntity("p", "r") { ["b"] = 1, ["a"] = 2, ["C"] = 3 };
        var other = new TableEntity("p", "r") { ["C"] = 3, ["a"] = 2, ["b"] = 1 };

        Assert.Equal(EntityLineCodec.Encode(one), EntityLineCodec.Encode(other));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"rowKey\":\"r\",\"properties\":{}}")]
    [InlineData("{\"partitionKey\":\"p\",\"rowKey\":\"r\"}")]
    [InlineData("{\"partitionKey\":\"p\",\"rowKey\":\"r\",\"properties\":{\"X\":{\"type\":\"decimal\",\"value\":\"1\"}}}")]
    [InlineData("{\"partitionKey\":\"p\",\"rowKey\":\"r\",\"properties\":{\"X\":{\"type\":\"int64\",\"value\":12}}}")]
    [InlineData("{\"partitionKey\":\"p\",\"rowKey\":\"r\",\"properties\":{\"X\":{\"type\":\"int32\"}}}")]
    public void Decode_RefusesALineThatIsNotAnEntity(string line)
    {
        Assert.Throws<InvalidDataException>(() => EntityLineCodec.Decode(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public void Encode_RefusesATypeTablesDoesNotStore()
    {
        var exception = Assert.Throws<InvalidDataException>(() => EntityLineCodec.Encode(new TableEntity("p", "r") { ["Money"] = 1.5m }));

        Assert.Contains("Money", exception.Message, StringComparison.Ordinal);
    }
}
