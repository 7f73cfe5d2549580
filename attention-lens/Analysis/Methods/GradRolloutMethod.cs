namespace AttentionLens.Analysis;

/// <summary>
/// Gradient-weighted attention rollout (Chefer, Gur &amp; Wolf, "Generic Attention-model Explainability for
/// Interpreting Bi-Modal and Encoder-Decoder Transformers", ICCV 2021; docs/methods.md#gradrollout):
/// per layer Ā_l = E_h[(∇A_l ⊙ A_l)⁺] (eq. 5: the gradient-weighted attention, negative parts removed,
/// mean over heads), and the relevancy R, starting from the identity, is updated layer by layer
/// R ← R + Ā_l · R (eq. 6, the self-attention rule). The rule is the same for bidirectional encoders and
/// for the causal self-attention of decoders (Ā_l is then lower-triangular and so is R); the paper's
/// other rules (eq. 7–11) are for cross-attention, which no supported architecture has.
/// Scores: the target's row of R after the last layer (it includes the target's own 1 from the
/// identity); per-layer rows: the target's row after each layer. The row is computed as the vector
/// product e_tᵀ(I + Ā_l)⋯(I + Ā_1), so no T × T product is formed.
/// </summary>
public sealed class GradRolloutMethod : IAttributionMethod
{
    public string Name => "gradRollout";
    public string Label => "gradient-weighted rollout (Chefer)";
    public MethodNeeds Needs => MethodNeeds.Gradients | MethodNeeds.AttentionGradients;
    public string? Unsupported(MethodContext context) => GradientTargets.Unsupported(context);

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var (g, prediction, a, da) = c.Gradients.GetWithAttentions(c, cancellationToken);
        int L = g.Layers, H = g.Heads, T = g.Tokens, t = c.Target;
        var included = AttentionXGradientMethod.Included(c.Options.HeadSubset, H);
        int count = included.Count(x => x);
        if (count == 0) throw new AnalysisException("The head subset selects no head of this model.", "heads");

        // Ā_l for every layer, T × T in double.
        var bar = new double[L][];
        for (int l = 0; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var m = new double[T * T];
            for (int h = 0; h < H; h++)
            {
                if (!included[h]) continue;
                int block = (l * H + h) * T * T;
                for (int q = 0; q < T * T; q++)
                {
                    double v = (double)a[block + q] * da[block + q];
                    if (v > 0) m[q] += v;
                }
            }
            for (int q = 0; q < m.Length; q++) m[q] /= count;
            bar[l] = m;
        }

        // Row t of R after layer l: e_tᵀ (I + Ā_l)(I + Ā_{l−1})⋯(I + Ā_1).
        var byLayer = new double[L * T];
        var next = new double[T];
        for (int l = 0; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = new double[T];
            row[t] = 1;
            for (int k = l; k >= 0; k--)
            {
                // next = row · (I + Ā_k)
                row.AsSpan().CopyTo(next);
                var m = bar[k];
                for (int i = 0; i < T; i++)
                {
                    double r = row[i];
                    if (r == 0) continue;
                    for (int j = 0; j < T; j++) next[j] += r * m[i * T + j];
                }
                next.AsSpan().CopyTo(row);
            }
            row.AsSpan().CopyTo(byLayer.AsSpan(l * T, T));
        }
        var scores = byLayer.AsSpan((L - 1) * T, T).ToArray();
        return new MethodOutput(scores, new Matrix(L, T, byLayer), new GradientDetail(prediction.Description, g.Value));
    }
}
