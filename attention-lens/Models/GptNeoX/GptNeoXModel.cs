using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary>
/// modeling_gpt_neox.py GPTNeoXModel: embed_in, the layers, final_layer_norm. Positions are 0..T−1
/// (cache_position) whatever the padding; the mask is Llama's (causal, or padding, one minimum).
/// The heads (GPTNeoXForCausalLM's embed_out, score, classifier, qa_outputs) are
/// <see cref="DecoderTaskModel"/>.
/// </summary>
public sealed class GptNeoXModel : RotaryDecoderModel
{
    /// <summary>How transformers names and provides GPT-NeoX's heads.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(LmHead: "embed_out", TokenClassifier: "classifier", HasQuestionAnswering: true);

    private GptNeoXModel(IKernels kernels, Embedding embed, GptNeoXLayer[] layers, LayerNorm finalNorm, float[] inverseFrequencies, int rotaryDim, ModelInfo info)
        : base(kernels, embed, layers, finalNorm, info, inverseFrequencies, rotaryDim)
    {
    }

    /// <param name="w">Root scope of a store retrying with the "gpt_neox." prefix.</param>
    public static GptNeoXModel Load(IKernels kernels, WeightScope w, GptNeoXConfig c, string configPath, string architecture)
    {
        int rotaryDim = c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(rotaryDim, c.RotaryEmbBase, configPath)
            : RopeTable.DefaultInverseFrequencies(rotaryDim, c.RotaryEmbBase);
        var embed = Embedding.Load(w.Scope("embed_in"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = LoadLayers(w, c.NumHiddenLayers, s => GptNeoXLayer.Load(s, c, rotaryDim, configPath));
        var norm = LayerNorm.Load(w.Scope("final_layer_norm"), c.HiddenSize, c.LayerNormEps);
        var info = new ModelInfo("gpt_neox", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.NumAttentionHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new GptNeoXModel(kernels, embed, layers, norm, inv, rotaryDim, info);
    }
}
