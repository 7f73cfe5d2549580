namespace AttentionLens.Analysis;

/// <summary>
/// The detail record of a gradient method (docs/methods.md#gradients): what y is and its value at the
/// input; for integrated gradients the path (baseline, steps, rule) and the completeness check of
/// Sundararajan et al. (2017, Prop. 1): Σ_i a_i should equal f(x) − f(x′); for attention × gradient
/// the per-head totals.
/// </summary>
/// <param name="Quantity">The differentiated scalar y, in words (the prediction's description).</param>
/// <param name="Value">y at the input, f(x).</param>
public sealed record GradientDetail(string Quantity, double Value)
{
    /// <summary>Integrated gradients: "zero", "pad" or "mask".</summary>
    public string? Baseline { get; init; }

    /// <summary>Integrated gradients: m, the points on the path.</summary>
    public int? Steps { get; init; }

    /// <summary>Integrated gradients: the quadrature rule ("midpoint": α_k = (k − ½)/m).</summary>
    public string? Rule { get; init; }

    /// <summary>Integrated gradients: f(x′), y at the baseline.</summary>
    public double? BaselineValue { get; init; }

    /// <summary>Integrated gradients: Σ_i a_i.</summary>
    public double? AttributionSum { get; init; }

    /// <summary>Integrated gradients: the completeness gap Σ_i a_i − (f(x) − f(x′)).</summary>
    public double? CompletenessGap { get; init; }

    /// <summary>Integrated gradients: the gap divided by |f(x) − f(x′)| (NaN when that is 0).</summary>
    public double? RelativeGap { get; init; }

    /// <summary>Attention × gradient: (L·H × T) row l·H + h: Σ_i A[l,h][i, j]·∂y/∂A[l,h][i, j] per key token j.</summary>
    public Matrix? HeadScores { get; init; }
}
