using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>
/// modeling_deberta_v2.py DebertaV2Model: embeddings, then DebertaV2Encoder — the relative embeddings
/// rel_embeddings (2k, C), LayerNorm-ed when norm_rel_ebd has layer_norm, shared by every layer, and
/// the (bucketed) relative positions. The mask is pairwise: (i, j) is masked when either is padding.
/// </summary>
public sealed partial class DebertaV2Model : ITransformerModel, IEncoderBody, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly DebertaV2Embeddings _embeddings;
    private readonly DebertaV2Layer[] _layers;
    private readonly DebertaV2Config _config;

    private DebertaV2Model(IKernels kernels, DebertaV2Embeddings embeddings, DebertaV2Layer[] layers, DebertaV2Config config, ModelInfo info)
    {
        _kernels = kernels;
        _embeddings = embeddings;
        _layers = layers;
        _config = config;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>The (V, E) word table; the MLM decoder is tied to it.</summary>
    public ReadOnlyMemory<float> WordEmbeddings => _embeddings.Word.Weight;

    public static DebertaV2Model Load(IKernels kernels, WeightScope w, DebertaV2Config c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var embeddings = DebertaV2Embeddings.Load(w.Scope("embeddings"), c);
        var encoder = w.Scope("encoder");
        float[] relative = [];
        if (c.RelativeAttention)
        {
            int rows = 2 * c.AttentionSpan;
            var table = Embedding.Load(encoder.Scope("rel_embeddings"), rows, c.HiddenSize, "position_buckets / max_relative_positions");
            relative = table.Weight.ToArray();
            // get_rel_embedding: the table is normalised once, before every layer reads it.
            if (c.NormalizeRelativeEmbeddings)
                LayerNorm.Load(encoder.Scope("LayerNorm"), c.HiddenSize, c.LayerNormEps).Forward(kernels, table.Weight.Span, relative, rows);
        }
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => DebertaV2Layer.Load(kernels, encoder.Scope("layer").Scope(i.ToString()), c, relative, configPath)).ToArray();
        var info = new ModelInfo("deberta-v2", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.NumAttentionHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: false, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new DebertaV2Model(kernels, embeddings, layers, c, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(input, options ?? ForwardOptions.Default, cancellationToken).ToResult();

    public ForwardTrace Run(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken)
    {
        int t = input.Length;
        EncoderInputs.Check(input, Info.MaxPositions);
        if (input.AttentionMask is { } m && m.Length != t)
            throw new AttentionLensException($"attention mask has {m.Length} entries for {t} input ids; give one per token.");
        var kernels = _kernels.WithThreads(options.Threads);
        var trace = new ForwardTrace(Info.Layers, Info.Heads, t, Info.HiddenSize, options.CaptureValueOutputs, options.CapturePostNormTerms) {
            ZeroValue = options.ZeroValue,
            FirstLayer = options.ResumeFrom?.Layer ?? 0,
            LastLayer = options.StopAfterLayer ?? Info.Layers - 1,
        };
        int start = 0;
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing): the embeddings are not needed.
            resume.Hidden.AsSpan(0, t * Info.HiddenSize).CopyTo(trace.HiddenState(resume.Layer));
            start = resume.Layer;
        }
        else _embeddings.Forward(kernels, input, trace.HiddenState(0), options.InputsEmbeds);
        var mask = PairwiseMask(input.AttentionMask, t);
        var positions = RelativePositions.Build(t, _config.PositionBuckets, _config.MaxRelativePositions);
        for (int l = start; l < _layers.Length && !(l > options.StopAfterLayer); l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Forward(kernels, trace.HiddenState(l), trace.HiddenState(l + 1), mask, positions,
                trace.LayerAttention(l), trace.LayerValueOutputs(l), t, trace.PostNormTerms, l, trace.ZeroValueToken(l));
        }
        return trace;
    }

    /// <summary>DebertaV2Encoder.get_attention_mask: mask_i · mask_j, as an additive (T, T) bias of 0 or float.MinValue.
    /// A padding query's row is all minimum, so its softmax is uniform, as in transformers.</summary>
    internal static float[] PairwiseMask(int[]? mask, int t)
    {
        var bias = new float[t * t];
        if (mask is null) return bias;
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++)
                if (mask[i] == 0 || mask[j] == 0) bias[i * t + j] = float.MinValue;
        return bias;
    }
}
