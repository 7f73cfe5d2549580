using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AttentionLens.Checkpoints;

namespace AttentionLens.Tests.Checkpoints;

/// <summary>Reading, writing and refusing safetensors files; malformed files are made in temp folders.</summary>
public sealed class SafetensorsFileTests
{
    /// <summary>Writes an 8-byte length (or <paramref name="declaredLength"/>), the header text and the data.</summary>
    private static string WriteRaw(TempDirectory dir, string header, byte[] data, ulong? declaredLength = null)
    {
        var path = dir.File("model.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static CheckpointException Refused(string path)
    {
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.Path);
        return e;
    }

    [Fact]
    public void WriterAndReaderRoundTrip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.safetensors");
        float[] values = [1.5f, -2f, 3.25f, 0f, 1e-8f, float.MaxValue];
        SafetensorsWriter.Write(path, [SafetensorsEntry.Float32("w", [2, 3], values), SafetensorsEntry.Int64("ids", [2], [7L, -1L])],
            new Dictionary<string, string> { ["k"] = "v" });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(values, file.ReadFloat32("w"));
        Assert.Equal([7L, -1L], file.ReadInt64("ids"));
        Assert.Equal([2L, 3L], file.Info("w").Shape);
        Assert.Equal("v", file.Metadata["k"]);
        // The header is padded with spaces so the data section starts 8-byte aligned.
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(0UL, (8 + headerLength) % 8);
    }

    [Fact]
    public void Float32IsServedFromTheMappingWithoutACopy()
    {
        using var dir = new TempDirectory();
        var path = dir.File("x.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsEntry.Float32("w", [4], [1f, 2f, 3f, 4f])]);
        using var file = SafetensorsFile.Open(path);
        var memory = file.GetFloat32("w");
        Assert.False(MemoryMarshal.TryGetArray(memory, out _), "F32 weights should not be copied into an array");
        Assert.Equal([1f, 2f, 3f, 4f], memory.ToArray());
    }

    [Fact]
    public void HalfAndBFloat16AreConvertedExactly()
    {
        using var dir = new TempDirectory();
        // F16 0x3C00 = 1, 0xC000 = -2, 0x3555 = 0.333251953125; BF16 0x3F80 = 1, 0xC040 = -3, 0x3EAB = 0.333984375.
        var data = new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35, 0x80, 0x3F, 0x40, 0xC0, 0xAB, 0x3E };
        var path = WriteRaw(dir, "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]}}", data);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([1f, -2f, 0.333251953125f], file.ReadFloat32("h"));
        Assert.Equal([1f, -3f, 0.333984375f], file.ReadFloat32("b"));
    }

    [Fact]
    public void HalfAndBFloat16WeightsStayInTheMappingAsStored()
    {
        using var dir = new TempDirectory();
        var data = new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35, 0x80, 0x3F, 0x40, 0xC0, 0xAB, 0x3E };
        var path = WriteRaw(dir, "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]}}", data);
        using var file = SafetensorsFile.Open(path);
        var h = file.GetWeightData("h");
        var b = file.GetWeightData("b");
        Assert.Equal(AttentionLens.Tensors.WeightElementType.Float16, h.ElementType);
        Assert.Equal(AttentionLens.Tensors.WeightElementType.BFloat16, b.ElementType);
        Assert.False(MemoryMarshal.TryGetArray(b.Bits, out _), "BF16 weights should be served from the mapping, not copied");
        Assert.Equal(new ushort[] { 0x3F80, 0xC040, 0x3EAB }, b.Bits.ToArray());
        Assert.Equal([1f, -2f, 0.333251953125f], h.ToFloat32().ToArray());
        Assert.Equal([1f, -3f, 0.333984375f], b.ToFloat32().ToArray());
        var row = new float[2];
        b.WidenTo(1, row);
        Assert.Equal([-3f, 0.333984375f], row);
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("truncated", Refused(path).Message);
    }

    [Fact]
    public void DataCutShortIsRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        Assert.Contains("outside the data section of 8 bytes", Refused(path).Message);
    }

    [Fact]
    public void HeaderLengthPastTheEndIsRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{}", [], declaredLength: 1_000_000);
        Assert.Contains("header length 1000000 runs past the end", Refused(path).Message);
    }

    [Fact]
    public void MalformedJsonIsRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"w\": [", []);
        Assert.Contains("not well-formed JSON", Refused(path).Message);
    }

    [Fact]
    public void OverlappingOffsetsAreRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        var message = Refused(path).Message;
        Assert.Contains("overlapping", message);
        Assert.Contains("'a'", message);
        Assert.Contains("'b'", message);
    }

    [Fact]
    public void OutOfRangeOffsetsAreRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", new byte[8]);
        var message = Refused(path).Message;
        Assert.Contains("tensor 'a' has data_offsets [16, 24] outside the data section", message);
    }

    [Fact]
    public void UnknownDTypeIsRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"a\":{\"dtype\":\"F7\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);
        Assert.Contains("unknown dtype 'F7'", Refused(path).Message);
    }

    [Fact]
    public void ShapeSizeMismatchIsRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        Assert.Contains("shape/size mismatch", Refused(path).Message);
    }

    [Fact]
    public void HugeShapeDoesNotAllocate()
    {
        using var dir = new TempDirectory();
        var path = WriteRaw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000000000,1000000000],\"data_offsets\":[0,8]}}", new byte[8]);
        Assert.Contains("overflows", Refused(path).Message);
    }
}
