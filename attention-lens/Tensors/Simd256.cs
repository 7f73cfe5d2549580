using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TV = System.Runtime.Intrinsics.Vector256<float>;

namespace AttentionLens.Tensors;

/// <summary>AVX2 (ymm) vectors of 8 floats for the element-wise kernels.</summary>
internal readonly struct Simd256 : ISimd<TV>
{
    public static bool IsSupported => SimdSupport.IsSupported(SimdLevel.Avx2);
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Load(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(TV value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Splat(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Add(TV a, TV b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Subtract(TV a, TV b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Multiply(TV a, TV b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Divide(TV a, TV b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV MultiplyAdd(TV a, TV b, TV c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Max(TV a, TV b) => Vector256.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Min(TV a, TV b) => Vector256.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV SelectLess(TV a, TV b, TV ifLess, TV otherwise) =>
        Vector256.ConditionalSelect(Vector256.LessThan(a, b), ifLess, otherwise);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV PowerOfTwoFromRounded(TV k) =>
        Vector256.ShiftLeft(k.AsInt32() + Vector256.Create(127), 23).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(TV x) => Vector256.Sum(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(TV x)
    {
        float m = x[0];
        for (int i = 1; i < 8; i++) m = MathF.Max(m, x[i]);
        return m;
    }

}
