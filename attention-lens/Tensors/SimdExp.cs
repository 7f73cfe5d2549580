using System.Runtime.CompilerServices;

namespace AttentionLens.Tensors;

/// <summary>
/// exp for float lanes (the runtime's <c>Vector512.Exp</c> measured slower than scalar
/// <c>MathF.Exp</c> here). Cody–Waite reduction (Cody &amp; Waite 1980; Cephes <c>expf</c> constants):
/// n = round(x·log₂e), r = x − n·ln2 with ln2 split in a high part exact in few bits and a low
/// correction, so r is exact to working precision and |r| ≤ ln2/2; then exp(x) = 2ⁿ·Σ rᵏ/k!.
/// The rounding uses the 1.5·2ᵖ trick: adding it leaves round(x·log₂e) in the low mantissa bits,
/// from which 2ⁿ is built by integer arithmetic.
/// </summary>
internal static class SimdExp
{
    /// <summary>exp in float: Taylor terms to r⁷ (truncation ≤ 0.3466⁸/8! = 5e-9, i.e. under 0.05 ulp),
    /// within about 1.5 ulp overall. Arguments below −87.33 (where exp is under the smallest normal
    /// float) give 0, so −∞ maps to 0 as softmax needs; arguments above 88.3 saturate at exp(88.3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct
    {
        TV xc = TS.Min(TS.Max(x, TS.Splat(-87.3f)), TS.Splat(88.3f));
        TV magic = TS.Splat(12582912f); // 1.5·2²³
        TV k = TS.MultiplyAdd(xc, TS.Splat(1.44269504088896341f), magic);
        TV n = TS.Subtract(k, magic);
        TV r = TS.MultiplyAdd(n, TS.Splat(-0.693359375f), xc);
        r = TS.MultiplyAdd(n, TS.Splat(2.12194440e-4f), r);
        TV p = TS.Splat(1f / 5040f);
        p = TS.MultiplyAdd(p, r, TS.Splat(1f / 720f));
        p = TS.MultiplyAdd(p, r, TS.Splat(1f / 120f));
        p = TS.MultiplyAdd(p, r, TS.Splat(1f / 24f));
        p = TS.MultiplyAdd(p, r, TS.Splat(1f / 6f));
        p = TS.MultiplyAdd(p, r, TS.Splat(0.5f));
        p = TS.MultiplyAdd(p, r, TS.Splat(1f));
        p = TS.MultiplyAdd(p, r, TS.Splat(1f));
        TV result = TS.Multiply(p, TS.PowerOfTwoFromRounded(k));
        return TS.SelectLess(x, TS.Splat(-87.33f), TS.Splat(0f), result);
    }
}
