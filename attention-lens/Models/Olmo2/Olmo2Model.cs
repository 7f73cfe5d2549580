using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Olmo2;

/// <summary>
/// modeling_olmo2.py Olmo2Model: embed_tokens, the post-norm layers, the final norm. transformers
/// 4.48 has only Olmo2ForCausalLM as a head.
/// </summary>
public sealed class Olmo2Model : RotaryDecoderModel
{
    /// <summary>OLMo-2 has no classification or QA heads in transformers 4.48.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(HasTokenClassification: false, HasSequenceClassification: false);

    private Olmo2Model(IKernels kernels, Embedding embed, Olmo2DecoderLayer[] layers, RmsNorm norm, float[] inverseFrequencies, ModelInfo info)
        : base(kernels, embed, layers, norm, info, inverseFrequencies, info.HeadDim)
    {
    }

    public static Olmo2Model Load(IKernels kernels, WeightScope w, Olmo2Config c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(c.HeadDim, c.RopeTheta, configPath)
            : RopeTable.DefaultInverseFrequencies(c.HeadDim, c.RopeTheta);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = LoadLayers(w, c.NumHiddenLayers, s => Olmo2DecoderLayer.Load(s, c, configPath));
        var norm = RmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        var info = new ModelInfo("olmo2", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new Olmo2Model(kernels, embed, layers, norm, inv, info);
    }

}
