using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionLens.Tensors;

/// <summary>
/// The reverse mode of the activations in float lanes: dy ← dy · f′(x), the vector form of
/// <see cref="ActivationBackward.Apply"/> (its scalar reference, in double; tested against it). That reference
/// costs about 20 ns per element — 15% of a BERT-base gradient pass at 128 tokens, single-threaded — this a
/// few ns, and <see cref="CpuKernels.ActivateBackward"/> splits it between threads. Derivatives:
/// GELU (erf) Φ(x) + x·φ(x), with 1 + erf(x/√2) from <see cref="SimdGelu"/>'s erfc and φ(x) = e^(−x²/2)/√(2π);
/// tanh GELU with σ = σ(2u), u = √(2/π)(x + 0.044715x³): σ + 2xσ(1 − σ)·√(2/π)(1 + 3·0.044715x²)
/// (½(1 + tanh u) = σ, 1 − tanh² u = 4σ(1 − σ)); SiLU σ(x)(1 + x(1 − σ(x))); ReLU 1[x &gt; 0].
/// </summary>
internal static class SimdActivationBackward<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> dy, Activation activation)
    {
        switch (activation)
        {
            case Activation.Gelu: Map<GeluDerivative>(x, dy); break;
            case Activation.GeluTanh: Map<GeluTanhDerivative>(x, dy); break;
            case Activation.Silu: Map<SiluDerivative>(x, dy); break;
            case Activation.Relu: Map<ReluDerivative>(x, dy); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>dy[i] ← dy[i]·f′(x[i]); the tail through a zero-padded stack buffer and the same vector code.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TF>(ReadOnlySpan<float> x, Span<float> dy) where TF : IVectorFunction
    {
        int n = dy.Length, w = TS.Count, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(dy);
        for (; i + w <= n; i += w)
            TS.Store(TS.Multiply(TS.Load(ref ds, (nuint)i), TF.Apply<TS, TV>(TS.Load(ref xs, (nuint)i))), ref ds, (nuint)i);
        if (i == n) return;
        Span<float> tx = stackalloc float[w];
        Span<float> td = stackalloc float[w];
        tx.Clear();
        td.Clear();
        x[i..n].CopyTo(tx);
        dy[i..].CopyTo(td);
        ref float txs = ref MemoryMarshal.GetReference(tx);
        ref float tds = ref MemoryMarshal.GetReference(td);
        TS.Store(TS.Multiply(TS.Load(ref tds, 0), TF.Apply<TS, TV>(TS.Load(ref txs, 0))), ref tds, 0);
        td[..(n - i)].CopyTo(dy[i..]);
    }

    private readonly struct GeluDerivative : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV2 Apply<TS2, TV2>(TV2 x) where TS2 : struct, ISimd<TV2> where TV2 : struct
        {
            TV2 onePlusErf = SimdGelu.OnePlusErf<TS2, TV2>(x);
            TV2 pdf = TS2.Multiply(SimdExp.Exp<TS2, TV2>(TS2.Multiply(TS2.Multiply(x, x), TS2.Splat(-0.5f))), TS2.Splat(0.3989422804014327f));
            return TS2.MultiplyAdd(x, pdf, TS2.Multiply(onePlusErf, TS2.Splat(0.5f)));
        }
    }

    private readonly struct GeluTanhDerivative : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV2 Apply<TS2, TV2>(TV2 x) where TS2 : struct, ISimd<TV2> where TV2 : struct
        {
            TV2 one = TS2.Splat(1f), x2 = TS2.Multiply(x, x);
            TV2 u = TS2.Multiply(TS2.Splat(0.7978845608028654f), TS2.MultiplyAdd(TS2.Multiply(TS2.Splat(0.044715f), x2), x, x));
            TV2 sigma = TS2.Divide(one, TS2.Add(one, SimdExp.Exp<TS2, TV2>(TS2.Multiply(TS2.Splat(-2f), u))));
            TV2 du = TS2.Multiply(TS2.Splat(0.7978845608028654f), TS2.MultiplyAdd(TS2.Splat(3f * 0.044715f), x2, one));
            TV2 twoSigmaOneMinus = TS2.Multiply(TS2.Multiply(TS2.Splat(2f), sigma), TS2.Subtract(one, sigma));
            return TS2.MultiplyAdd(TS2.Multiply(x, twoSigmaOneMinus), du, sigma);
        }
    }

    private readonly struct SiluDerivative : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV2 Apply<TS2, TV2>(TV2 x) where TS2 : struct, ISimd<TV2> where TV2 : struct
        {
            TV2 one = TS2.Splat(1f);
            TV2 sigma = TS2.Divide(one, TS2.Add(one, SimdExp.Exp<TS2, TV2>(TS2.Subtract(TS2.Splat(0f), x))));
            return TS2.Multiply(sigma, TS2.MultiplyAdd(x, TS2.Subtract(one, sigma), one));
        }
    }

    private readonly struct ReluDerivative : IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV2 Apply<TS2, TV2>(TV2 x) where TS2 : struct, ISimd<TV2> where TV2 : struct =>
            TS2.SelectLess(TS2.Splat(0f), x, TS2.Splat(1f), TS2.Splat(0f));
    }
}
