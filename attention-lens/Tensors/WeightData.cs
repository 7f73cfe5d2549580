namespace AttentionLens.Tensors;

/// <summary>
/// A weight's elements as stored: float32 values, or the raw bits of 16-bit values (bfloat16 or
/// IEEE half, usually memory-mapped from the checkpoint). The kernels read either; code that needs
/// float32 values of a 16-bit weight widens the part it needs (<see cref="WidenTo"/>) instead of
/// keeping a float32 copy of the whole tensor.
/// </summary>
public readonly struct WeightData
{
    private WeightData(ReadOnlyMemory<float> values, ReadOnlyMemory<ushort> bits, WeightElementType type)
    {
        Values = values;
        Bits = bits;
        ElementType = type;
    }

    /// <summary>float32 storage.</summary>
    public static WeightData FromFloat32(ReadOnlyMemory<float> values) => new(values, default, WeightElementType.Float32);

    /// <summary>16-bit storage (<paramref name="type"/> is <see cref="WeightElementType.BFloat16"/> or <see cref="WeightElementType.Float16"/>).</summary>
    public static WeightData From16Bit(ReadOnlyMemory<ushort> bits, WeightElementType type) =>
        type == WeightElementType.Float32 ? throw new ArgumentException("16-bit storage needs BFloat16 or Float16.", nameof(type)) : new(default, bits, type);

    public static implicit operator WeightData(ReadOnlyMemory<float> values) => FromFloat32(values);

    public static implicit operator WeightData(float[] values) => FromFloat32(values);

    public WeightElementType ElementType { get; }

    /// <summary>The values when stored as float32 (else empty).</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>The raw bits when stored in 16 bits (else empty).</summary>
    public ReadOnlyMemory<ushort> Bits { get; }

    public bool Is16Bit => ElementType != WeightElementType.Float32;

    public int Length => Is16Bit ? Bits.Length : Values.Length;

    /// <summary>Bytes the elements occupy as stored.</summary>
    public long ByteLength => Is16Bit ? 2L * Bits.Length : 4L * Values.Length;

    /// <summary>Elements [start, start + length).</summary>
    public WeightData Slice(int start, int length) =>
        Is16Bit ? new(default, Bits.Slice(start, length), ElementType) : new(Values.Slice(start, length), default, ElementType);

    /// <summary>Widens elements [start, start + destination.Length) into <paramref name="destination"/>.</summary>
    public void WidenTo(int start, Span<float> destination)
    {
        if (Is16Bit) HalfWidening.Widen(Bits.Span.Slice(start, destination.Length), destination, ElementType);
        else Values.Span.Slice(start, destination.Length).CopyTo(destination);
    }

    /// <summary>The values as float32: in place for float32 storage, otherwise a widened copy (use
    /// only for small tensors — norm gains, biases — or where a copy is really wanted).</summary>
    public ReadOnlyMemory<float> ToFloat32()
    {
        if (!Is16Bit) return Values;
        var copy = GC.AllocateUninitializedArray<float>(Bits.Length);
        HalfWidening.Widen(Bits.Span, copy, ElementType);
        return copy;
    }
}
