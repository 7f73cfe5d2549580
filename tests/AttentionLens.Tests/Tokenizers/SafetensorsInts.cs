using System.Buffers.Binary;
using System.Text.Json;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>Reads the int64 tensors of a reference .safetensors file (8-byte header length, JSON
/// header, raw little-endian data) — enough for the input ids a reference case was run on.</summary>
internal static class SafetensorsInts
{
    public static Dictionary<string, long[]> Read(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var result = new Dictionary<string, long[]>();
        foreach (var p in header.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__" || p.Value.GetProperty("dtype").GetString() != "I64") continue;
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var start = 8 + headerLength + (int)offsets[0];
            var values = new long[(offsets[1] - offsets[0]) / 8];
            for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(start + 8 * i));
            result[p.Name] = values;
        }
        return result;
    }
}
