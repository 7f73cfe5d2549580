using System.Buffers.Binary;
using System.Globalization;

namespace AttentionLens.Checkpoints;

/// <summary>
/// Reader and writer of NumPy <c>.npy</c> files (format versions 1.0–3.0, see numpy's
/// <c>numpy/lib/format.py</c>): a magic string, a little header dict
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (…), }</c> padded so the data starts
/// on a 64-byte boundary, then the raw array. Only what Attention Lens exchanges is accepted:
/// little-endian float32 (<c>&lt;f4</c>), float64 (<c>&lt;f8</c>), int32 and int64 (<c>&lt;i4</c>,
/// <c>&lt;i8</c>), C order. Anything else is refused with a message naming the file and the fault.
/// </summary>
public sealed class NpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyFile(int[] shape, string dtype, double[] data)
    {
        Shape = shape;
        DType = dtype;
        Data = data;
    }

    /// <summary>The array's shape (empty for a scalar).</summary>
    public int[] Shape { get; }

    /// <summary>The stored element type: <c>&lt;f4</c>, <c>&lt;f8</c>, <c>&lt;i4</c> or <c>&lt;i8</c>.</summary>
    public string DType { get; }

    /// <summary>The elements in C order, widened to double (exact for every accepted type except
    /// int64 beyond 2^53, which attention tensors never hold).</summary>
    public double[] Data { get; }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="AttentionLensException"/> on any fault.</summary>
    public static NpyFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = CheckpointFile.ReadAllBytes(path, Array.MaxLength, ".npy file");
        }
        catch (CheckpointException e)
        {
            throw new AttentionLensException($"Cannot read the .npy file '{path}': {e.Message}", path, e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="path"/> only names it in errors.</summary>
    public static NpyFile Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw Fault(path, "it does not start with the .npy magic \\x93NUMPY; write it with numpy.save");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw Fault(path, "the header is truncated");
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
            if (declared > (uint)(bytes.Length - 12)) throw Fault(path, $"the header claims {declared} bytes but the file has {bytes.Length - 12} after the preamble (truncated or not a .npy file)");
            headerLength = (int)declared;
            headerStart = 12;
        }
        else throw Fault(path, $"format version {major}.{bytes[7]} is not supported (1.0–3.0 are)");
        if ((long)headerStart + headerLength > bytes.Length) throw Fault(path, "the header is truncated");
        var header = System.Text.Encoding.UTF8.GetString(bytes.Slice(headerStart, headerLength));
        var descr = HeaderValue(header, "descr", path).Trim().Trim('\'', '"');
        var fortran = HeaderValue(header, "fortran_order", path).Trim();
        var shapeText = HeaderValue(header, "shape", path).Trim();
        if (fortran != "False")
            throw Fault(path, "it is stored in Fortran order; save a C-contiguous array (numpy.ascontiguousarray)");
        int size = descr switch
        {
            "<f4" => 4, "<f8" => 8, "<i4" => 4, "<i8" => 8,
            _ => throw Fault(path, $"dtype '{descr}' is not supported; convert to little-endian float32, float64, int32 or int64"),
        };
        var shape = ParseShape(shapeText, path);
        var data = bytes[(headerStart + headerLength)..];
        // The element count is bounded by the data actually present before it is formed, so a
        // forged shape can neither overflow nor size an allocation.
        long count = 1;
        if (shape.Contains(0)) count = 0;
        else foreach (var d in shape)
        {
            if (count > data.Length / size / d)
                throw Fault(path, $"shape ({string.Join(", ", shape)}) of {descr} needs more data bytes than the {data.Length} the file holds");
            count *= d;
        }
        if (data.Length != count * size)
            throw Fault(path, $"shape ({string.Join(", ", shape)}) of {descr} needs {count * size} data bytes but the file holds {data.Length}");
        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            var s = data.Slice(i * size, size);
            values[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(s),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(s),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(s),
                _ => BinaryPrimitives.ReadInt64LittleEndian(s),
            };
        }
        return new NpyFile(shape, descr, values);
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> as float64 C-order (format 1.0).</summary>
    public static void WriteFloat64(string path, ReadOnlySpan<double> data, params int[] shape)
    {
        var bytes = new byte[checked(data.Length * 8)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), data[i]);
        Write(path, "<f8", bytes, shape, data.Length);
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> as float32 C-order (format 1.0).</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<float> data, params int[] shape)
    {
        var bytes = new byte[checked(data.Length * 4)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
        Write(path, "<f4", bytes, shape, data.Length);
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> as int32 C-order (format 1.0).</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> data, params int[] shape)
    {
        var bytes = new byte[checked(data.Length * 4)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), data[i]);
        Write(path, "<i4", bytes, shape, data.Length);
    }

    private static void Write(string path, string descr, byte[] payload, int[] shape, int count)
    {
        long expected = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new AttentionLensException($"Cannot write '{path}': negative dimension {d} in the shape.", path);
            expected *= d;
        }
        if (expected != count)
            throw new AttentionLensException($"Cannot write '{path}': shape ({string.Join(", ", shape)}) holds {expected} elements but {count} were given.", path);
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // numpy pads the header with spaces and ends it with '\n' so that magic + length + header
        // is a multiple of 64 bytes (format.py, ARRAY_ALIGN).
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.Write(payload);
    }

    private static string HeaderValue(string header, string key, string path)
    {
        int k = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (k < 0) throw Fault(path, $"its header has no '{key}' entry");
        int colon = header.IndexOf(':', k);
        if (colon < 0) throw Fault(path, $"its header entry '{key}' has no value");
        int start = colon + 1;
        int end;
        if (header.AsSpan(start).TrimStart().StartsWith("("))
            end = header.IndexOf(')', start) + 1;
        else
            end = header.IndexOf(',', start);
        if (end <= start) throw Fault(path, $"its header entry '{key}' is malformed");
        return header[start..end];
    }

    private static int[] ParseShape(string text, string path)
    {
        if (!text.StartsWith('(') || !text.EndsWith(')')) throw Fault(path, $"its shape '{text}' is malformed");
        var parts = text[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                throw Fault(path, $"its shape '{text}' has a dimension that is not a non-negative integer");
        }
        return shape;
    }

    private static AttentionLensException Fault(string path, string what) =>
        new($"Cannot read the .npy file '{path}': {what}.", path);
}
