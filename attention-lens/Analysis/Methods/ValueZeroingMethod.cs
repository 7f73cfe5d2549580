using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Value zeroing (Mohebbi, Zuidema, Chrupała &amp; Alishahi 2023; docs/methods.md#valuezeroing), as the
/// authors' code computes it: for layer l and token j, re-run layer l on its original input with
/// token j's value vectors zeroed in every head; the contribution of j to position i is the cosine
/// distance between position i's new and original layer output (eq. 3–4). Rows are normalised to
/// sum 1 and the per-layer matrices rolled out without added identity. Costs L·T extra passes of
/// one layer each (resumed from layer l's input, stopped after it).
/// </summary>
public sealed class ValueZeroingMethod : IAttributionMethod
{
    public string Name => "valueZeroing";
    public string Label => "value zeroing";
    public MethodNeeds Needs => MethodNeeds.ExtraForwardPasses;

    public string? Unsupported(MethodContext context)
    {
        if (context.Model.Info.IsCausal || !SupportsZeroing(context.Model))
            return $"Value zeroing is implemented for the post-norm encoders (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA, ALBERT, DeBERTa-v2), whose layer output is a hidden state (the authors define it for encoders only); {context.Model.Info.Architecture} is not one.";
        int passes = context.Layers * context.Tokens;
        return passes > context.Options.MaxExtraPasses
            ? $"Value zeroing would run {passes} extra passes (layers × tokens), more than AnalysisOptions.MaxExtraPasses = {context.Options.MaxExtraPasses}; analyse a shorter text."
            : null;
    }

    private static bool SupportsZeroing(ITransformerModel model) => model.Info.ModelType is "bert" or "roberta" or "xlm-roberta" or "distilbert" or "electra" or "albert" or "deberta-v2";

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var f = c.Forward;
        int L = c.Layers, T = c.Tokens, C = f.Hidden;
        var perLayer = new double[L][];
        for (int l = 0; l < L; l++)
        {
            var original = f.HiddenStates.AsSpan((l + 1) * T * C, T * C).ToArray();
            // Each pass re-runs layer l alone, from its original input (as the authors call the layer module).
            var input = new LayerInput(l, f.HiddenStates.AsSpan(l * T * C, T * C).ToArray());
            var m = new double[T * T];
            for (int j = 0; j < T; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var zeroed = c.Model.Forward(c.Input, new ForwardOptions { ZeroValue = new ValueZeroing(l, j), ResumeFrom = input, StopAfterLayer = l, ComputeLogits = false }, cancellationToken);
                var changed = zeroed.HiddenStates.AsSpan((l + 1) * T * C, T * C);
                for (int i = 0; i < T; i++)
                    m[i * T + j] = CosineDistance(changed.Slice(i * C, C), original.AsSpan(i * C, C));
            }
            for (int i = 0; i < T; i++)
            {
                double sum = 0;
                for (int j = 0; j < T; j++) sum += m[i * T + j];
                if (sum > 0) for (int j = 0; j < T; j++) m[i * T + j] /= sum;
            }
            perLayer[l] = m;
        }
        var (final, byLayer) = ResidualDecomposition.Roll(perLayer, T, c.Target, cancellationToken);
        return new MethodOutput(final, byLayer);
    }

    /// <summary>1 − cos(a, b), in double (scikit-learn's cosine_distances, which the authors use).</summary>
    public static double CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int k = 0; k < a.Length; k++)
        {
            ab += (double)a[k] * b[k];
            aa += (double)a[k] * a[k];
            bb += (double)b[k] * b[k];
        }
        return Math.Clamp(1 - ab / Math.Sqrt(aa * bb), 0, 2);
    }
}
