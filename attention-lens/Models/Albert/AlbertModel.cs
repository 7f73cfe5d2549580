using AttentionLens.Checkpoints;
using AttentionLens.Models.Bert;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>
/// modeling_albert.py AlbertModel: factorised embeddings (BERT's sum and LayerNorm in embedding_size E,
/// Lan et al. 2020 §3.1), AlbertTransformer's embedding_hidden_mapping_in (E → C), then
/// num_hidden_layers applications of num_hidden_groups shared layers (layer i runs group
/// int(i / (L / G))). Hidden state 0 is the mapped embedding output, as transformers returns it.
/// </summary>
public sealed partial class AlbertModel : ITransformerModel, IEncoderBody, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly BertEmbeddings _embeddings;
    private readonly Linear _mappingIn;
    private readonly AlbertLayer[] _groups;
    private readonly AlbertConfig _config;

    private AlbertModel(IKernels kernels, BertEmbeddings embeddings, Linear mappingIn, AlbertLayer[] groups, AlbertConfig config, ModelInfo info)
    {
        _kernels = kernels;
        _embeddings = embeddings;
        _mappingIn = mappingIn;
        _groups = groups;
        _config = config;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>The (V, E) word table; the MLM decoder is tied to it.</summary>
    public ReadOnlyMemory<float> WordEmbeddings => _embeddings.Word.Weight;

    public static AlbertModel Load(IKernels kernels, WeightScope w, AlbertConfig c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var embeddingConfig = new BertConfig
        {
            VocabSize = c.VocabSize, HiddenSize = c.EmbeddingSize, MaxPositionEmbeddings = c.MaxPositionEmbeddings,
            TypeVocabSize = c.TypeVocabSize, LayerNormEps = c.LayerNormEps,
        };
        var embeddings = BertEmbeddings.Load(w.Scope("embeddings"), embeddingConfig);
        var encoder = w.Scope("encoder");
        var mappingIn = Linear.Load(encoder.Scope("embedding_hidden_mapping_in"), c.EmbeddingSize, c.HiddenSize);
        var groups = Enumerable.Range(0, c.NumHiddenGroups)
            .Select(g => AlbertLayer.Load(encoder.Scope("albert_layer_groups").Scope(g.ToString()).Scope("albert_layers").Scope("0"), c, configPath))
            .ToArray();
        var info = new ModelInfo("albert", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.NumAttentionHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: false, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new AlbertModel(kernels, embeddings, mappingIn, groups, c, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(input, options ?? ForwardOptions.Default, cancellationToken).ToResult();

    public ForwardTrace Run(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken)
    {
        int t = input.Length;
        EncoderInputs.Check(input, Info.MaxPositions);
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
        else
        {
            using var embeddedBuffer = new Scratch(t * _config.EmbeddingSize);
            _embeddings.Forward(kernels, input.InputIds, input.TokenTypeIds, Enumerable.Range(0, t).ToArray(), embeddedBuffer.Span, options.InputsEmbeds);
            _mappingIn.Forward(kernels, embeddedBuffer.Span, trace.HiddenState(0), t);
        }
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        for (int l = start; l < Info.Layers && !(l > options.StopAfterLayer); l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _groups[_config.GroupOf(l)].Forward(kernels, trace.HiddenState(l), trace.HiddenState(l + 1), bias, trace.LayerAttention(l), trace.LayerValueOutputs(l), t,
                trace.PostNormTerms, l, trace.ZeroValueToken(l));
        }
        return trace;
    }
}
