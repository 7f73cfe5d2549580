using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma;

/// <summary>
/// modeling_gemma.py GemmaModel: embed_tokens scaled by √hidden_size (the normalizer, a float32
/// tensor), the layers, the final norm; the LM head is tied to embed_tokens by default.
/// </summary>
public sealed class GemmaModel : RotaryDecoderModel
{
    /// <summary>Gemma's classifiers are both "score"; no QA head in transformers.</summary>
    public static DecoderHeadNames HeadNames { get; } = new();

    private GemmaModel(IKernels kernels, Embedding embed, GemmaDecoderLayer[] layers, GemmaRmsNorm norm, float[] inverseFrequencies, ModelInfo info)
        : base(kernels, embed, layers, norm, info, inverseFrequencies, info.HeadDim)
    {
    }

    public static GemmaModel Load(IKernels kernels, WeightScope w, GemmaConfig c, string configPath, string architecture)
    {
        c.Validate(configPath, gemma2: false);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = LoadLayers(w, c.NumHiddenLayers, s => GemmaDecoderLayer.Load(s, c, configPath));
        var norm = GemmaRmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        var info = new ModelInfo("gemma", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new GemmaModel(kernels, embed, layers, norm, RopeTable.DefaultInverseFrequencies(c.HeadDim, c.RopeTheta), info);
    }

    /// <summary>h₀ = embed_tokens(ids) · float32(√hidden_size) (GemmaModel.forward's normalizer).</summary>
    public static void ScaledLookup(Embedding embed, ReadOnlySpan<int> ids, Span<float> h0, int hidden)
    {
        embed.Lookup(ids, h0, accumulate: false);
        float normalizer = (float)Math.Sqrt(hidden);
        for (int i = 0; i < h0.Length; i++) h0[i] *= normalizer;
    }

    protected override float EmbeddingScale => (float)Math.Sqrt(Info.HiddenSize);

    protected override void EmbedTokens(ReadOnlySpan<int> ids, Span<float> h0) => ScaledLookup(Embed, ids, h0, Info.HiddenSize);
}
