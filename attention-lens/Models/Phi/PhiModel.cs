using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi;

/// <summary>
/// modeling_phi.py PhiModel: embed_tokens, the parallel layers, final_layernorm (a LayerNorm).
/// PhiForCausalLM's lm_head has a bias; the classifiers are score and classifier
/// (<see cref="DecoderTaskModel"/>). Positions 0..T−1, Llama's causal-or-padding mask.
/// </summary>
public sealed class PhiModel : RotaryDecoderModel
{
    /// <summary>Phi has no QA head in transformers; its token classifier is "classifier".</summary>
    public static DecoderHeadNames HeadNames { get; } = new(LmHeadBias: true, TokenClassifier: "classifier");

    private PhiModel(IKernels kernels, Embedding embed, PhiDecoderLayer[] layers, LayerNorm finalNorm, float[] inverseFrequencies, int rotaryDim, ModelInfo info)
        : base(kernels, embed, layers, finalNorm, info, inverseFrequencies, rotaryDim)
    {
    }

    public static PhiModel Load(IKernels kernels, WeightScope w, PhiConfig c, string configPath, string architecture)
    {
        int rotaryDim = c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(rotaryDim, c.RopeTheta, configPath)
            : RopeTable.DefaultInverseFrequencies(rotaryDim, c.RopeTheta);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = LoadLayers(w, c.NumHiddenLayers, s => PhiDecoderLayer.Load(s, c, rotaryDim, configPath));
        var norm = LayerNorm.Load(w.Scope("final_layernorm"), c.HiddenSize, c.LayerNormEps);
        var info = new ModelInfo("phi", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new PhiModel(kernels, embed, layers, norm, inv, rotaryDim, info);
    }
}
