using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Olmo2;

/// <summary>
/// modeling_olmo2.py Olmo2Model: embed_tokens, the post-norm layers, the final norm. transformers
/// 4.48 has only Olmo2ForCausalLM as a head.
/// </summary>
public sealed class Olmo2Model : ITransformerModel
{
    /// <summary>OLMo-2 has no classification or QA heads in transformers 4.48.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(HasTokenClassification: false, HasSequenceClassification: false);

    private readonly IKernels _kernels;
    private readonly Olmo2DecoderLayer[] _layers;
    private readonly RmsNorm _norm;
    private readonly float[] _inverseFrequencies;

    private Olmo2Model(IKernels kernels, Embedding embed, Olmo2DecoderLayer[] layers, RmsNorm norm, float[] inverseFrequencies, ModelInfo info)
    {
        _kernels = kernels;
        Embed = embed;
        _layers = layers;
        _norm = norm;
        _inverseFrequencies = inverseFrequencies;
        Info = info;
    }

    public ModelInfo Info { get; }

    public Embedding Embed { get; }

    public static Olmo2Model Load(IKernels kernels, WeightScope w, Olmo2Config c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(c.HeadDim, c.RopeTheta, configPath)
            : RopeTable.DefaultInverseFrequencies(c.HeadDim, c.RopeTheta);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => Olmo2DecoderLayer.Load(w.Scope("layers").Scope(i.ToString()), c, configPath)).ToArray();
        var norm = RmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        var info = new ModelInfo("olmo2", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new Olmo2Model(kernels, embed, layers, norm, inv, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length;
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var bias = AttentionMasks.CausalOrPadding(input.AttentionMask, t);
        return DecoderStack.Run(Info, input, options, cancellationToken,
            h0 => Embed.Lookup(input.InputIds, h0, accumulate: false),
            (l, x, y, probs, values) => _layers[l].Forward(kernels, x, y, bias, rope, probs, values, t),
            (x, y) => _norm.Forward(kernels, x, y, t));
    }
}
