namespace AttentionLens.Models;

/// <summary>
/// The residual-stream terms of a post-norm encoder layer (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA,
/// ALBERT, DeBERTa-v2) that
/// decomposition methods (ALTI, GlobEnc; docs/methods.md) need beside the attentions and value
/// outputs: per layer l, the input of the attention block's LayerNorm LN₁ (x + attention output),
/// its output, the input of the FFN block's LayerNorm LN₂ (LN₁ output + FFN output), and both
/// LayerNorms' scale γ and ε. Shapes: (L, T, C) for the states, (L, C) for the scales.
/// Captured only when <see cref="ForwardOptions.CapturePostNormTerms"/> is set.
/// </summary>
public sealed class PostNormTerms
{
    public PostNormTerms(int layers, int tokens, int hidden)
    {
        Layers = layers;
        Tokens = tokens;
        Hidden = hidden;
        PreNorm1 = new float[checked(layers * tokens * hidden)];
        PostNorm1 = new float[checked(layers * tokens * hidden)];
        PreNorm2 = new float[checked(layers * tokens * hidden)];
        Norm1Weight = new float[layers * hidden];
        Norm2Weight = new float[layers * hidden];
        Norm1Eps = new float[layers];
        Norm2Eps = new float[layers];
    }

    public int Layers { get; }
    public int Tokens { get; }
    public int Hidden { get; }

    /// <summary>(L, T, C) x + attention output: what LN₁ normalises.</summary>
    public float[] PreNorm1 { get; }

    /// <summary>(L, T, C) LN₁'s output: the attention block's output.</summary>
    public float[] PostNorm1 { get; }

    /// <summary>(L, T, C) LN₁ output + FFN output: what LN₂ normalises.</summary>
    public float[] PreNorm2 { get; }

    /// <summary>(L, C) γ of LN₁ and LN₂.</summary>
    public float[] Norm1Weight { get; }
    public float[] Norm2Weight { get; }
    public float[] Norm1Eps { get; }
    public float[] Norm2Eps { get; }

    public Span<float> LayerPreNorm1(int layer) => PreNorm1.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);
    public Span<float> LayerPostNorm1(int layer) => PostNorm1.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);
    public Span<float> LayerPreNorm2(int layer) => PreNorm2.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);

    /// <summary>Records the two LayerNorms of <paramref name="layer"/> (their γ and ε).</summary>
    public void SetNorms(int layer, LayerNorm norm1, LayerNorm norm2)
    {
        norm1.Weight.CopyTo(Norm1Weight.AsSpan(layer * Hidden, Hidden));
        norm2.Weight.CopyTo(Norm2Weight.AsSpan(layer * Hidden, Hidden));
        Norm1Eps[layer] = norm1.Eps;
        Norm2Eps[layer] = norm2.Eps;
    }
}
