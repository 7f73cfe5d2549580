using System.Buffers.Binary;

namespace AttentionLens.Checkpoints;

/// <summary>Exact conversions of stored low-precision (and double) weights to float32, the
/// precision every model computes in (transformers upcasts the same way when loading with
/// <c>torch_dtype=float32</c>).</summary>
public static class FloatConversion
{
    /// <summary>Converts little-endian elements of <paramref name="dtype"/> into <paramref name="destination"/>.</summary>
    public static void ToFloat32(ReadOnlySpan<byte> source, SafetensorsDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4, 4));
                break;
            case SafetensorsDType.F16:
                // IEEE binary16 → binary32 is exact (every half is a float).
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2, 2)));
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the top 16 bits of a float32: shifting back is exact.
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2, 2)) << 16);
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8, 8));
                break;
            default:
                throw new ArgumentException($"{SafetensorsDTypes.Name(dtype)} is not a floating-point type", nameof(dtype));
        }
    }
}
