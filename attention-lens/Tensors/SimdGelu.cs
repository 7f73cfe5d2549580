using System.Runtime.CompilerServices;

namespace AttentionLens.Tensors;

/// <summary>
/// Exact (erf) GELU in float lanes: GELU(x) = 0.5·x·(1 + erf(x/√2)) = 0.5·x·erfc(−x/√2).
/// With z = |x|/√2, erfc(z) = t·exp(−z² + h(t)) for t = 1/(1 + z/2) — the substitution of Numerical
/// Recipes §6.2 (after Chebyshev), under which ln(erfc(z)/t) + z² is smooth on all of [0, ∞) — and
/// h is a degree-8 polynomial in s = (t − t₀)/t₁ mapping z ∈ [0, 9.4] onto s ∈ [−1, 1]: the monomial
/// form of our Chebyshev least-squares fit at 4000 Chebyshev nodes against double-precision erfc.
/// Then 1 + erf(x/√2) is erfc(z) for x &lt; 0 (no cancellation in the negative tail) and 2 − erfc(z)
/// otherwise. Beyond z = 9.4 (x &lt; −13.3) the result is below the smallest normal float.
/// Accuracy, measured on a 400 001-point grid over [−13.3, 13.3] against the double reference: relative
/// error ≤ 6e-7 for |x| &lt; 2, ≤ 1.7e-6 for |x| &lt; 4 (float rounding of −z² + h inside exp, not the fit),
/// absolute ≤ 4e-7 everywhere — float precision, as PyTorch's vectorised GELU. This replaced an
/// evaluation in double that cost 4.6 ns per element, 7% of a BERT-base forward.
/// </summary>
internal static class SimdGelu
{
    private const float ZMax = 9.4f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Gelu<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct =>
        TS.Multiply(TS.Multiply(x, TS.Splat(0.5f)), OnePlusErf<TS, TV>(x));

    /// <summary>1 + erf(x/√2) = 2Φ(x), the factor GELU multiplies ½x by (and its derivative's first term).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV OnePlusErf<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct
    {
        TV zero = TS.Splat(0f), one = TS.Splat(1f);
        TV z = TS.Min(TS.Multiply(TS.Max(x, TS.Subtract(zero, x)), TS.Splat(0.70710678118654752f)), TS.Splat(ZMax));
        TV t = TS.Divide(one, TS.MultiplyAdd(z, TS.Splat(0.5f), one));
        TV s = TS.MultiplyAdd(t, TS.Splat(2.425531914893617f), TS.Splat(-1.4255319148936172f));
        TV h = TS.Splat(7.244405741412093e-05f);
        h = TS.MultiplyAdd(h, s, TS.Splat(-0.00037844594931077115f));
        h = TS.MultiplyAdd(h, s, TS.Splat(-0.0002503026646307605f));
        h = TS.MultiplyAdd(h, s, TS.Splat(0.0034181278679827416f));
        h = TS.MultiplyAdd(h, s, TS.Splat(-0.0008318476483995811f));
        h = TS.MultiplyAdd(h, s, TS.Splat(-0.028565731397982113f));
        h = TS.MultiplyAdd(h, s, TS.Splat(0.014505585504609175f));
        h = TS.MultiplyAdd(h, s, TS.Splat(0.5646204774224971f));
        h = TS.MultiplyAdd(h, s, TS.Splat(-0.552590451648873f));
        TV erfc = TS.Multiply(t, SimdExp.Exp<TS, TV>(TS.Subtract(h, TS.Multiply(z, z))));
        return TS.SelectLess(x, zero, erfc, TS.Subtract(TS.Splat(2f), erfc));
    }
}
