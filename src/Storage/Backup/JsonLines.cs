using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Serverless.Storage.Backup;

/// <summary>Reads a <c>.jsonl</c> file line by line without holding it whole, hashing every byte on the way.</summary>
internal static class JsonLines
{
    /// <summary>How often readers and writers report progress, in rows.</summary>
    public const int ProgressEvery = 1000;

    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(Stream stream, IncrementalHash? hash, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = hash is null ? stream : new HashingReadStream(stream, hash);
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                // A line longer than the buffer (a music session can be near 1 MiB): grow it.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            var scanFrom = filled;
            filled += read;
            var start = 0;
            for (var newline = Array.IndexOf(buffer, (byte)'\n', scanFrom, filled - scanFrom); newline >= 0; newline = Array.IndexOf(buffer, (byte)'\n', newline + 1, filled - newline - 1))
            {
                // Copied out: a caller may keep a line past the next read.
                yield return buffer.AsMemory(start, newline - start).ToArray();
                start = newline + 1;
            }

            if (read == 0)
            {
                if (filled > start)
                {
                    // A last line without a line break still counts.
                    yield return buffer.AsMemory(start, filled - start).ToArray();
                }

                yield break;
            }

            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
        }
    }

    /// <summary>Hashes each byte as it is read from the file, once, whatever the reader above does with it.</summary>
    private sealed class HashingReadStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            hash.AppendData(buffer, offset, read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            hash.AppendData(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
