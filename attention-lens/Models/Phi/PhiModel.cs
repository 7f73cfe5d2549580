using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi;

/// <summary>
/// modeling_phi.py PhiModel: embed_tokens, the parallel layers, final_layernorm (a LayerNorm).
/// PhiForCausalLM's lm_head has a bias; the classifiers are score and classifier
/// (<see cref="DecoderTaskModel"/>). Positions 0..T−1, Llama's causal-or-padding mask.
/// </summary>
public sealed class PhiModel : ITransformerModel
{
    /// <summary>Phi has no QA head in transformers; its token classifier is "classifier".</summary>
    public static DecoderHeadNames HeadNames { get; } = new(LmHeadBias: true, TokenClassifier: "classifier");

    private readonly IKernels _kernels;
    private readonly PhiDecoderLayer[] _layers;
    private readonly LayerNorm _finalNorm;
    private readonly float[] _inverseFrequencies;
    private readonly int _rotaryDim;

    private PhiModel(IKernels kernels, Embedding embed, PhiDecoderLayer[] layers, LayerNorm finalNorm, float[] inverseFrequencies, int rotaryDim, ModelInfo info)
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

    public Embedding Embed { get; }

    public static PhiModel Load(IKernels kernels, WeightScope w, PhiConfig c, string configPath, string architecture)
    {
        int rotaryDim = c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(rotaryDim, c.RopeTheta, configPath)
            : RopeTable.DefaultInverseFrequencies(rotaryDim, c.RopeTheta);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => PhiDecoderLayer.Load(w.Scope("layers").Scope(i.ToString()), c, rotaryDim, configPath)).ToArray();
        var norm = LayerNorm.Load(w.Scope("final_layernorm"), c.HiddenSize, c.LayerNormEps);
        var info = new ModelInfo("phi", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new PhiModel(kernels, embed, layers, norm, inv, rotaryDim, info);
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
