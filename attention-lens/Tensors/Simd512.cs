using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TV = System.Runtime.Intrinsics.Vector512<float>;

namespace AttentionLens.Tensors;

/// <summary>AVX-512 (zmm) vectors of 16 floats for the element-wise kernels.</summary>
internal readonly struct Simd512 : ISimd<TV>
{
    public static bool IsSupported => SimdSupport.IsSupported(SimdLevel.Avx512);
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Load(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(TV value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Splat(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Add(TV a, TV b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Subtract(TV a, TV b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Multiply(TV a, TV b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Divide(TV a, TV b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV MultiplyAdd(TV a, TV b, TV c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Max(TV a, TV b) => Vector512.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Min(TV a, TV b) => Vector512.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV SelectLess(TV a, TV b, TV ifLess, TV otherwise) =>
        Vector512.ConditionalSelect(Vector512.LessThan(a, b), ifLess, otherwise);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV PowerOfTwoFromRounded(TV k) =>
        Vector512.ShiftLeft(k.AsInt32() + Vector512.Create(127), 23).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(TV x) => Vector512.Sum(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(TV x)
    {
        float m = x[0];
        for (int i = 1; i < 16; i++) m = MathF.Max(m, x[i]);
        return m;
    }

}
