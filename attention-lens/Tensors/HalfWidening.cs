using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionLens.Tensors;

/// <summary>
/// Exact widening of 16-bit weights to float32, per SIMD level with <see cref="Reference"/> as the
/// specification. bfloat16 is the top half of a float32, so widening is a zero-extend and a 16-bit
/// shift. IEEE half: with e the 5-bit exponent and m the 10-bit mantissa, the bits
/// (e·2²³ + m·2¹³) read as a float32 are 2^(e−127)·(1 + m/1024) for e ≥ 1 and m·2⁻¹³⁶ for e = 0, so
/// one multiplication by 2¹¹² (exact: a power of two, result normal) gives the half's value
/// 2^(e−15)·(1 + m/1024), subnormals included; e = 31 (infinity, NaN) maps to the float32 exponent
/// 255 with the mantissa kept; the sign bit moves from bit 15 to bit 31.
/// (.NET 10 exposes neither AVX-512 BF16 nor F16C, so these are plain integer and float vector ops.)
/// </summary>
public static class HalfWidening
{
    private const float Two112 = 5.192296858534828e33f; // 2^112

    /// <summary>The specification: element by element through the runtime's own conversions.</summary>
    public static void Reference(ReadOnlySpan<ushort> source, Span<float> destination, WeightElementType type)
    {
        Check(source.Length, destination.Length, type);
        for (int i = 0; i < source.Length; i++)
            destination[i] = type == WeightElementType.BFloat16
                ? BitConverter.Int32BitsToSingle(source[i] << 16)
                : (float)BitConverter.UInt16BitsToHalf(source[i]);
    }

    /// <summary>Widens with the widest instruction set this CPU has.</summary>
    public static void Widen(ReadOnlySpan<ushort> source, Span<float> destination, WeightElementType type) =>
        Widen(source, destination, type, SimdSupport.Best);

    /// <summary>Widens with the vectors of <paramref name="level"/> (the tests run every level).</summary>
    public static unsafe void Widen(ReadOnlySpan<ushort> source, Span<float> destination, WeightElementType type, SimdLevel level)
    {
        Check(source.Length, destination.Length, type);
        fixed (ushort* s = source)
        fixed (float* d = destination)
            Widen(s, d, source.Length, type, level);
    }

    internal static unsafe void Widen(ushort* s, float* d, int count, WeightElementType type, SimdLevel level)
    {
        int i = level switch
        {
            SimdLevel.Avx512 => Widen512(s, d, count, type == WeightElementType.BFloat16),
            SimdLevel.Avx2 => Widen256(s, d, count, type == WeightElementType.BFloat16),
            _ => Widen128(s, d, count, type == WeightElementType.BFloat16),
        };
        for (; i < count; i++)
            d[i] = type == WeightElementType.BFloat16 ? BitConverter.Int32BitsToSingle(s[i] << 16) : (float)BitConverter.UInt16BitsToHalf(s[i]);
    }

    /// <summary>One element, as <see cref="Reference"/> widens it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float WidenOne(ushort bits, WeightElementType type) =>
        type == WeightElementType.BFloat16 ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>Eight 16-bit values at <paramref name="s"/> widened in one AVX2 register
    /// (vpmovzxwd from memory, then the shift or the half conversion above). Needs AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<float> Widen8(ushort* s, bool bf16) =>
        Half256(System.Runtime.Intrinsics.X86.Avx2.ConvertToVector256Int32(s).AsUInt32(), bf16);

    private static void Check(int source, int destination, WeightElementType type)
    {
        if (type == WeightElementType.Float32) throw new ArgumentException("Float32 is not a 16-bit type.", nameof(type));
        if (source != destination) throw new ArgumentException($"widening {source} elements into {destination}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Widen512(ushort* s, float* d, int count, bool bf16)
    {
        int i = 0;
        for (; i + 32 <= count; i += 32)
        {
            var (lo, hi) = Vector512.Widen(Vector512.Load(s + i));
            Half512(lo, bf16).Store(d + i);
            Half512(hi, bf16).Store(d + i + 16);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Half512(Vector512<uint> h, bool bf16)
    {
        if (bf16) return Vector512.ShiftLeft(h, 16).AsSingle();
        var em = Vector512.ShiftLeft(h & Vector512.Create(0x7FFFu), 13);
        var finite = (em.AsSingle() * Vector512.Create(Two112)).AsUInt32();
        var special = em | Vector512.Create(0x7F800000u);
        var isSpecial = Vector512.Equals(h & Vector512.Create(0x7C00u), Vector512.Create(0x7C00u));
        return (Vector512.ConditionalSelect(isSpecial, special, finite) | Vector512.ShiftLeft(h & Vector512.Create(0x8000u), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Widen256(ushort* s, float* d, int count, bool bf16)
    {
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(s + i));
            Half256(lo, bf16).Store(d + i);
            Half256(hi, bf16).Store(d + i + 8);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Half256(Vector256<uint> h, bool bf16)
    {
        if (bf16) return Vector256.ShiftLeft(h, 16).AsSingle();
        var em = Vector256.ShiftLeft(h & Vector256.Create(0x7FFFu), 13);
        var finite = (em.AsSingle() * Vector256.Create(Two112)).AsUInt32();
        var special = em | Vector256.Create(0x7F800000u);
        var isSpecial = Vector256.Equals(h & Vector256.Create(0x7C00u), Vector256.Create(0x7C00u));
        return (Vector256.ConditionalSelect(isSpecial, special, finite) | Vector256.ShiftLeft(h & Vector256.Create(0x8000u), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Widen128(ushort* s, float* d, int count, bool bf16)
    {
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            var (lo, hi) = Vector128.Widen(Vector128.Load(s + i));
            Half128(lo, bf16).Store(d + i);
            Half128(hi, bf16).Store(d + i + 4);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Half128(Vector128<uint> h, bool bf16)
    {
        if (bf16) return Vector128.ShiftLeft(h, 16).AsSingle();
        var em = Vector128.ShiftLeft(h & Vector128.Create(0x7FFFu), 13);
        var finite = (em.AsSingle() * Vector128.Create(Two112)).AsUInt32();
        var special = em | Vector128.Create(0x7F800000u);
        var isSpecial = Vector128.Equals(h & Vector128.Create(0x7C00u), Vector128.Create(0x7C00u));
        return (Vector128.ConditionalSelect(isSpecial, special, finite) | Vector128.ShiftLeft(h & Vector128.Create(0x8000u), 16)).AsSingle();
    }
}
