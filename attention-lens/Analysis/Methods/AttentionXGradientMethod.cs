namespace AttentionLens.Analysis;

/// <summary>
/// Attention × gradient per head (docs/methods.md#attentionxgradient): for layer l, head h and key token
/// j, s[l,h,j] = Σ_i A[l,h][i, j] · ∂y/∂A[l,h][i, j] — the first-order estimate of how much y would move if
/// every attention weight onto j in that head were removed (without renormalising the rows), as in the
/// attention-times-gradient scores of Chefer et al. (2021, eq. 5, before their positive part and head mean).
/// Token scores are the sum over layers and heads (the heads of <see cref="AnalysisOptions.HeadSubset"/>
/// when given), signed; per-layer rows are the sums within each layer; the per-head totals are the detail.
/// One forward and backward pass with attention gradients.
/// </summary>
public sealed class AttentionXGradientMethod : IAttributionMethod
{
    public string Name => "attentionXGradient";
    public string Label => "attention × gradient";
    public MethodNeeds Needs => MethodNeeds.Gradients | MethodNeeds.AttentionGradients;
    public string? Unsupported(MethodContext context) => GradientTargets.Unsupported(context);

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var (g, prediction, a, da) = c.Gradients.GetWithAttentions(c, cancellationToken);
        int L = g.Layers, H = g.Heads, T = g.Tokens;
        var heads = new double[L * H * T];
        var byLayer = new double[L * T];
        var scores = new double[T];
        var included = Included(c.Options.HeadSubset, H);
        for (int l = 0; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int h = 0; h < H; h++)
            {
                var row = heads.AsSpan((l * H + h) * T, T);
                int block = (l * H + h) * T * T;
                for (int i = 0; i < T; i++)
                {
                    var ai = a.AsSpan(block + i * T, T);
                    var gi = da.AsSpan(block + i * T, T);
                    for (int j = 0; j < T; j++) row[j] += (double)ai[j] * gi[j];
                }
                if (!included[h]) continue;
                for (int j = 0; j < T; j++) byLayer[l * T + j] += row[j];
            }
            for (int j = 0; j < T; j++) scores[j] += byLayer[l * T + j];
        }
        return new MethodOutput(scores, new Matrix(L, T, byLayer), new GradientDetail(prediction.Description, g.Value) { HeadScores = new Matrix(L * H, T, heads) });
    }

    /// <summary>Which heads enter the reduction: <paramref name="subset"/>, or all.</summary>
    internal static bool[] Included(IReadOnlyList<int>? subset, int heads)
    {
        var included = new bool[heads];
        if (subset is null) Array.Fill(included, true);
        else foreach (var h in subset) if ((uint)h < (uint)heads) included[h] = true;
        return included;
    }
}
