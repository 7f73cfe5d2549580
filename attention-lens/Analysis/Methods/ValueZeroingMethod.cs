using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Value zeroing (Mohebbi, Zuidema, Chrupała &amp; Alishahi 2023; docs/methods.md#valuezeroing), as the
/// authors' code computes it: for layer l and token j, re-run layer l on its original input with
/// token j's value vectors zeroed in every head; the contribution of j to position i is the cosine
/// distance between position i's new and original layer output (eq. 3–4). Rows are normalised to
/// sum 1 and the per-layer matrices rolled out without added identity. Costs L·T extra passes of
/// one layer each (resumed from layer l's input, stopped after it). On decoders it follows inseq's
/// extension of the method (inseq/attr/feat/ops/value_zeroing.py): causal rows (i ≥ j), distances
/// under 1e-5 dropped, the last layer compared after the final norm (docs/methods.md#valuezeroing).
/// </summary>
public sealed class ValueZeroingMethod : IAttributionMethod
{
    public string Name => "valueZeroing";
    public string Label => "value zeroing";
    public MethodNeeds Needs => MethodNeeds.ExtraForwardPasses;

    public string? Unsupported(MethodContext context)
    {
        if (!SupportsZeroing(context.Model))
            return $"Value zeroing is implemented for the post-norm encoders (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA, ALBERT, DeBERTa-v2) and the decoders GPT-2, LLaMA, Mistral, Qwen2, GPT-NeoX, Phi, Phi-3, Gemma, OLMo 2 and OPT without project_out (docs/methods.md#valuezeroing); {context.Model.Info.Architecture} is not one.";
        int passes = context.Layers * context.Tokens;
        return passes > context.Options.MaxExtraPasses
            ? $"Value zeroing would run {passes} extra passes (layers × tokens), more than AnalysisOptions.MaxExtraPasses = {context.Options.MaxExtraPasses}; analyse a shorter text."
            : null;
    }

    private static bool SupportsZeroing(ITransformerModel model) => model.Info.IsCausal
        // Decoders as inseq defines it (the last layer read through the final norm, as transformers' last
        // hidden state), on the families validated against inseq. Not Gemma 2 (inseq's hook misses its
        // value tensor) nor OPT with project_out (word_embed_proj_dim ≠ hidden_size: inseq stacks the hidden
        // states, whose last one is then narrower, and stops), so there is no reference for either.
        ? model.Info.ModelType is "gpt2" or "llama" or "mistral" or "qwen2" or "gpt_neox" or "phi" or "phi3" or "gemma" or "olmo2"
            || (model.Info.ModelType is "opt" && model is not DecoderTaskModel { ProjectsLastHiddenState: true })
        : model.Info.ModelType is "bert" or "roberta" or "xlm-roberta" or "distilbert" or "electra" or "albert" or "deberta-v2";

    /// <summary>inseq's value zeroing sets distances below this to 0 before normalising (decoders only;
    /// the encoders follow the authors' code, which clips to [0, 2] instead).</summary>
    public const double DecoderMinScore = 1e-5;

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var perLayer = LayerContributions(c.Model, c.Input, c.Forward, cancellationToken);
        var (final, byLayer) = ResidualDecomposition.Roll(perLayer, c.Tokens, c.Target, cancellationToken);
        return new MethodOutput(final, byLayer);
    }

    /// <summary>
    /// The per-layer (T × T) matrices C_l[i, j] before roll-out, rows normalised to sum 1 (a row with no
    /// contribution above zero stays 0), from the original pass <paramref name="f"/>.
    /// </summary>
    public static double[][] LayerContributions(ITransformerModel model, ForwardInput forwardInput, ForwardResult f, CancellationToken cancellationToken)
    {
        int L = f.Layers, T = f.Tokens, C = f.Hidden;
        bool causal = model.Info.IsCausal;
        var perLayer = new double[L][];
        for (int l = 0; l < L; l++)
        {
            // For a decoder's last layer this is the final norm's output (transformers' last hidden
            // state), which is what inseq compares there; every other layer's output is the raw block output.
            var original = f.HiddenStates.AsSpan((l + 1) * T * C, T * C).ToArray();
            // Each pass re-runs layer l alone, from its original input (as the authors call the layer module).
            var input = new LayerInput(l, f.HiddenStates.AsSpan(l * T * C, T * C).ToArray());
            var m = new double[T * T];
            for (int j = 0; j < T; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var zeroed = model.Forward(forwardInput, new ForwardOptions { ZeroValue = new ValueZeroing(l, j), ResumeFrom = input, StopAfterLayer = l, ComputeLogits = false }, cancellationToken);
                var changed = zeroed.HiddenStates.AsSpan((l + 1) * T * C, T * C);
                // Decoders: zeroing j's value cannot move a position i < j (causal attention), and inseq
                // scores only i ≥ j (its causal mask) and drops distances under 1e-5; the rest stay 0.
                for (int i = causal ? j : 0; i < T; i++)
                {
                    double d = CosineDistance(changed.Slice(i * C, C), original.AsSpan(i * C, C));
                    m[i * T + j] = causal && d < DecoderMinScore ? 0 : d;
                }
            }
            for (int i = 0; i < T; i++)
            {
                double sum = 0;
                for (int j = 0; j < T; j++) sum += m[i * T + j];
                if (sum > 0) for (int j = 0; j < T; j++) m[i * T + j] /= sum;
            }
            perLayer[l] = m;
        }
        return perLayer;
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
