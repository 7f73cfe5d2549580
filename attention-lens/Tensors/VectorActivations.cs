using System.Runtime.CompilerServices;

namespace AttentionLens.Tensors;

/// <summary>The activations of <see cref="Activation"/> as vector functions, with the same math as
/// <see cref="ScalarKernels.Activate(float, Activation)"/>.</summary>
internal static class VectorActivations
{
    /// <summary>Exact GELU (erf) in float: see <see cref="SimdGelu"/>.</summary>
    public readonly struct Gelu : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct =>
            SimdGelu.Gelu<TS, TV>(x);
    }

    /// <summary>tanh GELU: 0.5·x·(1 + tanh u) with u = √(2/π)(x + 0.044715x³), written as
    /// x·σ(2u) = x / (1 + exp(−2u)), the same function with one exponential.</summary>
    public readonly struct GeluTanh : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct
        {
            TV x3 = TS.Multiply(TS.Multiply(x, x), x);
            TV u = TS.Multiply(TS.Splat(0.7978845608028654f), TS.MultiplyAdd(TS.Splat(0.044715f), x3, x));
            TV e = SimdExp.Exp<TS, TV>(TS.Multiply(TS.Splat(-2f), u));
            return TS.Divide(x, TS.Add(TS.Splat(1f), e));
        }
    }

    public readonly struct Relu : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct =>
            TS.Max(x, TS.Splat(0f));
    }

    /// <summary>x·σ(x) = x / (1 + exp(−x)).</summary>
    public readonly struct Silu : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct =>
            TS.Divide(x, TS.Add(TS.Splat(1f), SimdExp.Exp<TS, TV>(TS.Subtract(TS.Splat(0f), x))));
    }

    /// <summary>exp itself (see <see cref="SimdExp"/>), exposed so its accuracy can be tested.</summary>
    public readonly struct Exp : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct =>
            SimdExp.Exp<TS, TV>(x);
    }
}
