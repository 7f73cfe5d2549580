using System.Runtime.InteropServices;

namespace AttentionLens.Checkpoints;

/// <summary>One tensor to write with <see cref="SafetensorsWriter"/>: name, type, shape, little-endian bytes.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    public static SafetensorsEntry Float32(string name, long[] shape, ReadOnlySpan<float> values) =>
        new(name, SafetensorsDType.F32, shape, MemoryMarshal.AsBytes(values).ToArray());

    public static SafetensorsEntry Int64(string name, long[] shape, ReadOnlySpan<long> values) =>
        new(name, SafetensorsDType.I64, shape, MemoryMarshal.AsBytes(values).ToArray());
}
