using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace AttentionLens.Checkpoints;

/// <summary>
/// Writes safetensors files: an 8-byte little-endian header length, a JSON header padded with
/// spaces to a multiple of 8 bytes (as the reference implementation does, so data stays aligned),
/// then the tensors' bytes back to back in the order given.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream, tensors, metadata);
    }

    public static void Write(Stream stream, IReadOnlyList<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = BuildHeader(tensors, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in tensors) stream.Write(t.Data.Span);
    }

    /// <summary>
    /// Writes a file whose tensors' bytes are produced one tensor at a time by
    /// <paramref name="writeData"/>(index, stream) — checkpoints larger than memory (benchmarks write
    /// 16 GB ones) without holding them; each tensor must write exactly its shape's byte count.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, SafetensorsDType DType, long[] Shape)> tensors, Action<int, Stream> writeData)
    {
        var sizes = tensors.Select(t => t.Shape.Aggregate(1L, (a, d) => checked(a * d)) * SafetensorsDTypes.ElementSize(t.DType)).ToArray();
        var header = BuildHeader(tensors.Select((t, i) => (t.Name, t.DType, t.Shape, sizes[i])).ToList(), null);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        for (int i = 0; i < tensors.Count; i++)
        {
            long start = stream.Position;
            writeData(i, stream);
            if (stream.Position - start != sizes[i])
                throw new InvalidOperationException($"tensor '{tensors[i].Name}': {stream.Position - start} bytes written, its shape needs {sizes[i]}.");
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var t in tensors)
        {
            long count = t.Shape.Aggregate(1L, (a, d) => checked(a * d));
            if (count * SafetensorsDTypes.ElementSize(t.DType) != t.Data.Length)
                throw new ArgumentException($"tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] does not match {t.Data.Length} bytes of {SafetensorsDTypes.Name(t.DType)}", nameof(tensors));
        }
        return BuildHeader(tensors.Select(t => (t.Name, t.DType, t.Shape, (long)t.Data.Length)).ToList(), metadata);
    }

    private static byte[] BuildHeader(IReadOnlyList<(string Name, SafetensorsDType DType, long[] Shape, long Bytes)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in tensors)
            {
                if (!names.Add(t.Name)) throw new ArgumentException($"tensor '{t.Name}' given twice", nameof(tensors));
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafetensorsDTypes.Name(t.DType));
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Bytes;
            }
            json.WriteEndObject();
        }
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        var header = new byte[padded];
        buffer.ToArray().CopyTo(header, 0);
        for (int i = (int)buffer.Length; i < padded; i++) header[i] = (byte)' ';
        return header;
    }
}
