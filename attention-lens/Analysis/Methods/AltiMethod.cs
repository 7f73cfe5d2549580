using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// ALTI, Aggregation of Layer-wise Token-to-token Interactions (Ferrando, Gállego &amp; Costa-jussà
/// 2022; docs/methods.md#alti), as the authors' code computes it for post-norm encoders: per layer,
/// T_i(x_j) = LN₁-linearised v_ij (γ₁ ⊙ (v_ij − mean v_ij) / σ_i, eq. 7–8), y_i the block output,
/// contribution c_ij = max(0, ‖y_i‖₁ − ‖y_i − T_i(x_j)‖₁) (eq. 10–11) normalised per row, then rolled out over
/// layers without added identity (the residual is already inside T_i(x_i)). Detail: the raw
/// per-layer contribution of every position is not kept; ByLayer holds the rolled-out target rows.
/// </summary>
public sealed class AltiMethod : IAttributionMethod
{
    public string Name => "alti";
    public string Label => "ALTI";
    public MethodNeeds Needs => MethodNeeds.ValueOutputs | MethodNeeds.PostNormTerms;

    public string? Unsupported(MethodContext context) =>
        context.Forward.PostNormTerms is null || context.Forward.ValueOutputs is null
            ? $"ALTI needs the post-norm encoder terms (LayerNorm inputs and scales) that only the post-norm encoders (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA, ALBERT, DeBERTa-v2) supply; {context.Model.Info.Architecture} does not."
            : null;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var f = c.Forward;
        var terms = f.PostNormTerms!;
        var perLayer = ResidualDecomposition.LayerMatrices(f, c.Layers, c.Tokens, cancellationToken,
            (layer, i, vectors, resultant, row) => Row(f, terms, layer, i, vectors, resultant, row));
        var (final, byLayer) = ResidualDecomposition.Roll(perLayer, c.Tokens, c.Target, cancellationToken);
        return new MethodOutput(final, byLayer);
    }

    /// <summary>Row i of layer l's normalised contribution matrix; <paramref name="vectors"/> holds v_ij.</summary>
    private static void Row(ForwardResult f, PostNormTerms terms, int l, int i, double[] vectors, double[] resultant, Span<double> row)
    {
        int T = f.Tokens, C = f.Hidden;
        var gamma = terms.Norm1Weight.AsSpan(l * C, C);
        float eps = terms.Norm1Eps[l];
        var pre = terms.LayerPreNorm1(l).Slice(i * C, C);
        var post = terms.LayerPostNorm1(l).Slice(i * C, C);
        var (mean, variance) = ResidualDecomposition.Moments(pre);
        // The authors divide by the standard deviation without ε (their std of x + ε equals the std
        // of x); the resultant y_i is therefore LN₁ with ε = 0:
        // y_i = post_i + γ ⊙ (pre_i − mean)(1/σ − 1/√(σ² + ε)). docs/methods.md#alti.
        double inv = 1 / Math.Sqrt(variance), invEps = 1 / Math.Sqrt(variance + eps);
        double yNorm = 0;
        for (int k = 0; k < C; k++)
        {
            resultant[k] = post[k] + gamma[k] * (pre[k] - mean) * (inv - invEps);
            yNorm += Math.Abs(resultant[k]);
        }
        double sum = 0;
        for (int j = 0; j < T; j++)
        {
            var v = vectors.AsSpan(j * C, C);
            double vm = ResidualDecomposition.Mean(v), distance = 0;
            for (int k = 0; k < C; k++) distance += Math.Abs(resultant[k] - gamma[k] * (v[k] - vm) * inv);
            double contribution = Math.Max(0, yNorm - distance);
            row[j] = contribution;
            sum += contribution;
        }
        if (sum > 0) for (int j = 0; j < T; j++) row[j] /= sum;
    }
}
