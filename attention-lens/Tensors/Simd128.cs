using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TV = System.Runtime.Intrinsics.Vector128<float>;

namespace AttentionLens.Tensors;

/// <summary>portable 128-bit (SSE / AdvSimd) vectors of 4 floats for the element-wise kernels.</summary>
internal readonly struct Simd128 : ISimd<TV>
{
    public static bool IsSupported => true;
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Load(ref float source, nuint index) => Vector128.LoadUnsafe(ref source, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(TV value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Splat(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Add(TV a, TV b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Subtract(TV a, TV b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Multiply(TV a, TV b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Divide(TV a, TV b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV MultiplyAdd(TV a, TV b, TV c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Max(TV a, TV b) => Vector128.MaxNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Min(TV a, TV b) => Vector128.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV SelectLess(TV a, TV b, TV ifLess, TV otherwise) =>
        Vector128.ConditionalSelect(Vector128.LessThan(a, b), ifLess, otherwise);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV PowerOfTwoFromRounded(TV k) =>
        Vector128.ShiftLeft(k.AsInt32() + Vector128.Create(127), 23).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(TV x) => Vector128.Sum(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(TV x)
    {
        float m = x[0];
        for (int i = 1; i < 4; i++) m = MathF.Max(m, x[i]);
        return m;
    }

}
