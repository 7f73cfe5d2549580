using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi3;

/// <summary>
/// modeling_phi3.py Phi3Model: embed_tokens, the layers, the final RMSNorm; rotary embeddings with
/// LongRoPE scaling when the config has it (the factors chosen by the sequence length, so the table
/// is built per call); Mistral's sliding-window mask when sliding_window is set.
/// </summary>
public sealed partial class Phi3Model : RotaryDecoderModel
{
    /// <summary>Phi-3's token classifier is "classifier"; no QA head in transformers.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(TokenClassifier: "classifier");

    private readonly Phi3Config _config;

    private Phi3Model(IKernels kernels, Embedding embed, Phi3DecoderLayer[] layers, RmsNorm norm, Phi3Config config, ModelInfo info)
        : base(kernels, embed, layers, norm, info, RopeTable.DefaultInverseFrequencies(config.HeadDim, config.RopeTheta), config.HeadDim) =>
        _config = config;

    public static Phi3Model Load(IKernels kernels, WeightScope w, Phi3Config c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = LoadLayers(w, c.NumHiddenLayers, s => Phi3DecoderLayer.Load(s, c, configPath));
        var norm = RmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        var info = new ModelInfo("phi3", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new Phi3Model(kernels, embed, layers, norm, c, info);
    }

    /// <summary>LongRoPE's table depends on the length (short or long factors), so it is built per call.</summary>
    protected override RopeTable Rope(int tokens)
    {
        var c = _config;
        return c.RopeScaling is { } scaling
            ? scaling.Table(tokens, c.HeadDim, c.RopeTheta, c.MaxPositionEmbeddings, c.OriginalMaxPositionEmbeddings)
            : base.Rope(tokens);
    }

    /// <summary>Mistral's sliding-window mask when sliding_window is set.</summary>
    protected override float[] Mask(int[]? attentionMask, int tokens) => SlidingWindowMask.CausalOrPadding(attentionMask, tokens, _config.SlidingWindow);
}
