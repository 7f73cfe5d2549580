using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// GlobEnc (Modarressi, Fayyaz, Yaghoobzadeh &amp; Pilehvar 2022; docs/methods.md#globenc): per layer,
/// N_ij = ‖LN₂-scaled(LN₁-scaled(v_ij))‖₂, i.e. v_ij through both LayerNorms' centring and scaling with
/// the statistics of the real states, biases and the FFN's own output left out (eq. 5–7); the
/// per-layer N are multiplied over layers without normalisation (eq. 8). Scores: the target's row,
/// normalised to sum 1; ByLayer: the unnormalised rolled-out rows as the authors return them.
/// </summary>
public sealed class GlobEncMethod : IAttributionMethod
{
    public string Name => "globenc";
    public string Label => "GlobEnc";
    public MethodNeeds Needs => MethodNeeds.ValueOutputs | MethodNeeds.PostNormTerms;

    public string? Unsupported(MethodContext context) =>
        context.Forward.PostNormTerms is null || context.Forward.ValueOutputs is null
            ? $"GlobEnc is defined for post-norm encoders (both LayerNorms of a BERT-style layer); {context.Model.Info.Architecture} does not supply them."
            : null;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var f = c.Forward;
        var terms = f.PostNormTerms!;
        int T = c.Tokens;
        var perLayer = ResidualDecomposition.LayerMatrices(f, c.Layers, c.Tokens, cancellationToken,
            (layer, i, vectors, p, row) => Row(f, terms, layer, i, vectors, p, row));
        var (raw, byLayer) = ResidualDecomposition.Roll(perLayer, T, c.Target, cancellationToken);
        var scores = raw.ToArray();
        double total = scores.Sum();
        if (total > 0) for (int j = 0; j < T; j++) scores[j] /= total;
        return new MethodOutput(scores, byLayer, new GlobEncScores(raw));
    }

    /// <summary>Row i of layer l's norm matrix N; <paramref name="vectors"/> holds v_ij.</summary>
    private static void Row(ForwardResult f, PostNormTerms terms, int l, int i, double[] vectors, double[] p, Span<double> row)
    {
        int T = f.Tokens, C = f.Hidden;
        var gamma1 = terms.Norm1Weight.AsSpan(l * C, C);
        var gamma2 = terms.Norm2Weight.AsSpan(l * C, C);
        var (_, var1) = ResidualDecomposition.Moments(terms.LayerPreNorm1(l).Slice(i * C, C));
        var (_, var2) = ResidualDecomposition.Moments(terms.LayerPreNorm2(l).Slice(i * C, C));
        double s1 = 1 / Math.Sqrt(var1 + terms.Norm1Eps[l]), s2 = 1 / Math.Sqrt(var2 + terms.Norm2Eps[l]);
        for (int j = 0; j < T; j++)
        {
            var v = vectors.AsSpan(j * C, C);
            double vm = ResidualDecomposition.Mean(v);
            for (int k = 0; k < C; k++) p[k] = gamma1[k] * (v[k] - vm) * s1;
            double pm = ResidualDecomposition.Mean(p), norm = 0;
            for (int k = 0; k < C; k++)
            {
                double q = gamma2[k] * (p[k] - pm) * s2;
                norm += q * q;
            }
            row[j] = Math.Sqrt(norm);
        }
    }
}
