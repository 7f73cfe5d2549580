using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi3;

/// <summary>
/// modeling_phi3.py Phi3Model: embed_tokens, the layers, the final RMSNorm; rotary embeddings with
/// LongRoPE scaling when the config has it (the factors chosen by the sequence length, so the table
/// is built per call); Mistral's sliding-window mask when sliding_window is set.
/// </summary>
public sealed class Phi3Model : ITransformerModel
{
    /// <summary>Phi-3's token classifier is "classifier"; no QA head in transformers.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(TokenClassifier: "classifier");

    private readonly IKernels _kernels;
    private readonly Phi3DecoderLayer[] _layers;
    private readonly RmsNorm _norm;
    private readonly Phi3Config _config;
    private readonly float[] _inverseFrequencies;

    private Phi3Model(IKernels kernels, Embedding embed, Phi3DecoderLayer[] layers, RmsNorm norm, Phi3Config config, ModelInfo info)
    {
        _kernels = kernels;
        Embed = embed;
        _layers = layers;
        _norm = norm;
        _config = config;
        _inverseFrequencies = RopeTable.DefaultInverseFrequencies(config.HeadDim, config.RopeTheta);
        Info = info;
    }

    public ModelInfo Info { get; }

    public Embedding Embed { get; }

    public static Phi3Model Load(IKernels kernels, WeightScope w, Phi3Config c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => Phi3DecoderLayer.Load(w.Scope("layers").Scope(i.ToString()), c, configPath)).ToArray();
        var norm = RmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        var info = new ModelInfo("phi3", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new Phi3Model(kernels, embed, layers, norm, c, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length;
        var c = _config;
        var rope = c.RopeScaling is { } scaling
            ? scaling.Table(t, c.HeadDim, c.RopeTheta, c.MaxPositionEmbeddings, c.OriginalMaxPositionEmbeddings)
            : new RopeTable(t, c.HeadDim, 0, _inverseFrequencies);
        var bias = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, c.SlidingWindow);
        return DecoderStack.Run(Info, input, options, cancellationToken,
            h0 => Embed.Lookup(input.InputIds, h0, accumulate: false),
            (l, x, y, probs, values) => _layers[l].Forward(kernels, x, y, bias, rope, probs, values, t),
            (x, y) => _norm.Forward(kernels, x, y, t));
    }
}
