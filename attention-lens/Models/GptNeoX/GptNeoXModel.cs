using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary>
/// modeling_gpt_neox.py GPTNeoXModel: embed_in, the layers, final_layer_norm. Positions are 0..T−1
/// (cache_position) whatever the padding; the mask is Llama's (causal, or padding, one minimum).
/// The heads (GPTNeoXForCausalLM's embed_out, score, classifier, qa_outputs) are
/// <see cref="DecoderTaskModel"/>.
/// </summary>
public sealed class GptNeoXModel : ITransformerModel
{
    /// <summary>How transformers names and provides GPT-NeoX's heads.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(LmHead: "embed_out", TokenClassifier: "classifier", HasQuestionAnswering: true);

    private readonly IKernels _kernels;
    private readonly GptNeoXLayer[] _layers;
    private readonly LayerNorm _finalNorm;
    private readonly float[] _inverseFrequencies;
    private readonly int _rotaryDim;

    private GptNeoXModel(IKernels kernels, Embedding embed, GptNeoXLayer[] layers, LayerNorm finalNorm, float[] inverseFrequencies, int rotaryDim, ModelInfo info)
    {
        _kernels = kernels;
        Embed = embed;
        _layers = layers;
        _finalNorm = finalNorm;
        _inverseFrequencies = inverseFrequencies;
        _rotaryDim = rotaryDim;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>embed_in (the LM head when tie_word_embeddings).</summary>
    public Embedding Embed { get; }

    /// <param name="w">Root scope of a store retrying with the "gpt_neox." prefix.</param>
    public static GptNeoXModel Load(IKernels kernels, WeightScope w, GptNeoXConfig c, string configPath, string architecture)
    {
        int rotaryDim = c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(rotaryDim, c.RotaryEmbBase, configPath)
            : RopeTable.DefaultInverseFrequencies(rotaryDim, c.RotaryEmbBase);
        var embed = Embedding.Load(w.Scope("embed_in"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => GptNeoXLayer.Load(w.Scope("layers").Scope(i.ToString()), c, rotaryDim, configPath)).ToArray();
        var norm = LayerNorm.Load(w.Scope("final_layer_norm"), c.HiddenSize, c.LayerNormEps);
        var info = new ModelInfo("gpt_neox", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.NumAttentionHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new GptNeoXModel(kernels, embed, layers, norm, inv, rotaryDim, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length;
        var rope = new RopeTable(t, _rotaryDim, 0, _inverseFrequencies);
        var bias = AttentionMasks.CausalOrPadding(input.AttentionMask, t);
        return DecoderStack.Run(Info, input, options, cancellationToken,
            h0 => Embed.Lookup(input.InputIds, h0, accumulate: false),
            (l, x, y, probs, values) => _layers[l].Forward(kernels, x, y, bias, rope, probs, values, t),
            (x, y) => _finalNorm.Forward(kernels, x, y, t));
    }
}
