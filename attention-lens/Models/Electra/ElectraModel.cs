using AttentionLens.Checkpoints;
using AttentionLens.Models.Bert;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Electra;

/// <summary>
/// modeling_electra.py ElectraModel: ElectraEmbeddings (BERT's word + token type + position and
/// LayerNorm, in embedding_size E), then <c>embeddings_project</c> (E → C) when E ≠ C, then the
/// BERT-shaped encoder. Hidden state 0 is the projected embedding output, as transformers returns it.
/// </summary>
public sealed partial class ElectraModel : ITransformerModel, IEncoderBody, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly BertEmbeddings _embeddings;
    private readonly Linear? _project;
    private readonly BertEncoder _encoder;
    private readonly int _embeddingSize;

    private ElectraModel(IKernels kernels, BertEmbeddings embeddings, Linear? project, BertEncoder encoder, int embeddingSize, ModelInfo info)
    {
        _kernels = kernels;
        _embeddings = embeddings;
        _project = project;
        _encoder = encoder;
        _embeddingSize = embeddingSize;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>The (V, E) word table; the generator's LM head is tied to it.</summary>
    public ReadOnlyMemory<float> WordEmbeddings => _embeddings.Word.Weight;

    public static ElectraModel Load(IKernels kernels, WeightScope w, ElectraConfig c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var bert = c.ToBert();
        var embeddings = BertEmbeddings.Load(w.Scope("embeddings"), bert with { HiddenSize = c.EmbeddingSize });
        // transformers adds embeddings_project exactly when embedding_size != hidden_size.
        var project = c.EmbeddingSize != c.HiddenSize ? Linear.Load(w.Scope("embeddings_project"), c.EmbeddingSize, c.HiddenSize) : null;
        var encoder = BertEncoder.Load(w.Scope("encoder"), bert, configPath);
        var info = new ModelInfo("electra", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.NumAttentionHeads, c.HiddenSize,
            bert.HeadDim, c.VocabSize, w.Store.ParameterCount, IsCausal: false, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new ElectraModel(kernels, embeddings, project, encoder, c.EmbeddingSize, info);
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
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing): BERT's encoder from that layer on.
            resume.Hidden.AsSpan(0, t * Info.HiddenSize).CopyTo(trace.HiddenState(resume.Layer));
            _encoder.Forward(kernels, trace, bias, cancellationToken, options.StopAfterLayer, resume.Layer);
            return trace;
        }
        var positions = Enumerable.Range(0, t).ToArray();
        if (_project is null)
        {
            _embeddings.Forward(kernels, input.InputIds, input.TokenTypeIds, positions, trace.HiddenState(0), options.InputsEmbeds);
        }
        else
        {
            using var embeddedBuffer = new Scratch(t * _embeddingSize);
            var embedded = embeddedBuffer.Span;
            _embeddings.Forward(kernels, input.InputIds, input.TokenTypeIds, positions, embedded, options.InputsEmbeds);
            _project.Forward(kernels, embedded, trace.HiddenState(0), t);
        }
        _encoder.Forward(kernels, trace, bias, cancellationToken, options.StopAfterLayer);
        return trace;
    }
}
