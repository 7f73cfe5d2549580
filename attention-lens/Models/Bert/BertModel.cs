using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>
/// modeling_bert.py BertModel: embeddings, encoder, optional pooler. Also the body of RoBERTa
/// (modeling_roberta.py copies BERT's layers), which differs only in its position ids.
/// </summary>
public sealed partial class BertModel : ITransformerModel, IEncoderBody
{
    private readonly IKernels _kernels;
    private readonly BertEmbeddings _embeddings;
    private readonly BertEncoder _encoder;
    private readonly BertPooler? _pooler;
    private readonly int? _robertaPaddingIdx;

    private BertModel(IKernels kernels, BertEmbeddings embeddings, BertEncoder encoder, BertPooler? pooler, int? robertaPaddingIdx, ModelInfo info)
    {
        _kernels = kernels;
        _embeddings = embeddings;
        _encoder = encoder;
        _pooler = pooler;
        _robertaPaddingIdx = robertaPaddingIdx;
        Info = info;
    }

    public ModelInfo Info { get; }

    public BertEmbeddings Embeddings => _embeddings;

    /// <param name="w">Scope of the base model (a store retrying with "bert."/"roberta." prefixes).</param>
    /// <param name="pooler">Load the pooler (BertModel's add_pooling_layer; false under an MLM head).</param>
    /// <param name="robertaPaddingIdx">RoBERTa: its padding_idx, which offsets position ids.</param>
    public static BertModel Load(IKernels kernels, WeightScope w, BertConfig config, string configPath, string modelType, string architecture, bool pooler, int? robertaPaddingIdx = null)
    {
        config.Validate(configPath);
        var embeddings = BertEmbeddings.Load(w.Scope("embeddings"), config);
        var encoder = BertEncoder.Load(w.Scope("encoder"), config, configPath);
        var pool = pooler ? BertPooler.Load(w.Scope("pooler"), config.HiddenSize) : null;
        int maxPositions = robertaPaddingIdx is int p ? config.MaxPositionEmbeddings - p - 1 : config.MaxPositionEmbeddings;
        var info = new ModelInfo(modelType, architecture, config.NumHiddenLayers, config.NumAttentionHeads, config.NumAttentionHeads,
            config.HiddenSize, config.HeadDim, config.VocabSize, w.Store.ParameterCount, IsCausal: false, HasLmHead: false, NumLabels: 0, MaxPositions: maxPositions);
        return new BertModel(kernels, embeddings, encoder, pool, robertaPaddingIdx, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var trace = Run(input, options, cancellationToken);
        var pooled = _pooler?.Forward(_kernels.WithThreads(options.Threads), trace.HiddenState(trace.Layers));
        return trace.ToResult(pooled: pooled);
    }

    /// <summary>Embeddings and encoder; the trace's last hidden state is the sequence output.</summary>
    public ForwardTrace Run(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken)
    {
        int t = input.Length;
        if (t == 0) throw new AttentionLensException("the input has no tokens.");
        if (t > Info.MaxPositions)
            throw new AttentionLensException($"the input has {t} tokens; this model's position embeddings allow at most {Info.MaxPositions}.");
        if (input.TokenTypeIds is { } types && types.Length != t)
            throw new AttentionLensException($"{types.Length} token type ids for {t} input ids; give one per token.");
        var kernels = _kernels.WithThreads(options.Threads);
        var trace = new ForwardTrace(Info.Layers, Info.Heads, t, Info.HiddenSize, options.CaptureValueOutputs, options.CapturePostNormTerms) {
            ZeroValue = options.ZeroValue,
            FirstLayer = options.ResumeFrom?.Layer ?? 0,
            LastLayer = options.StopAfterLayer ?? Info.Layers - 1,
        };
        var positions = _robertaPaddingIdx is int pad ? Roberta.RobertaPositionIds.FromInputIds(input.InputIds, pad) : Enumerable.Range(0, t).ToArray();
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing): the embeddings are not needed.
            resume.Hidden.AsSpan(0, t * Info.HiddenSize).CopyTo(trace.HiddenState(resume.Layer));
            _encoder.Forward(kernels, trace, bias, cancellationToken, options.StopAfterLayer, resume.Layer);
            return trace;
        }
        _embeddings.Forward(kernels, input.InputIds, input.TokenTypeIds, positions, trace.HiddenState(0), options.InputsEmbeds);
        _encoder.Forward(kernels, trace, bias, cancellationToken, options.StopAfterLayer);
        return trace;
    }
}
