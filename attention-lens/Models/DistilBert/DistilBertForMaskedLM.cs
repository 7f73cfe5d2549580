using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>
/// modeling_distilbert.py DistilBertForMaskedLM: vocab_projector(vocab_layer_norm(act(vocab_transform(h)))),
/// the projector tied to the word embeddings, its layer norm with eps 1e-12.
/// </summary>
public sealed partial class DistilBertForMaskedLM : ITransformerModel, ILogitLens, IDifferentiableModel
{
    private readonly IKernels _kernels;
    private readonly DistilBertModel _body;
    private readonly MaskedLMHead _head;

    private DistilBertForMaskedLM(IKernels kernels, DistilBertModel body, MaskedLMHead head, long parameterCount)
    {
        _kernels = kernels;
        _body = body;
        _head = head;
        Info = body.Info with { HasLmHead = true, ParameterCount = parameterCount, Head = ModelHead.MaskedLM };
    }

    public ModelInfo Info { get; }

    public static DistilBertForMaskedLM Load(IKernels kernels, DistilBertModel body, WeightScope root, DistilBertConfig c, string configPath)
    {
        var transform = Linear.Load(root.Scope("vocab_transform"), c.Dim, c.Dim);
        var norm = LayerNorm.Load(root.Scope("vocab_layer_norm"), c.Dim, 1e-12);
        var projector = Linear.FromWeights(body.WordEmbeddingData, root.Scope("vocab_projector").Get("bias", c.VocabSize), c.Dim, c.VocabSize);
        var head = new MaskedLMHead(transform, ActivationNames.Parse(c.Activation, "activation", configPath), norm, projector, c.VocabSize);
        return new DistilBertForMaskedLM(kernels, body, head, root.Store.ParameterCount);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var trace = _body.Run(input, options, cancellationToken);
        if (!options.ComputeLogits) return trace.ToResult();
        var kernels = _kernels.WithThreads(options.Threads);
        return trace.ToResult(logits: _head.Logits(kernels, trace.HiddenState(trace.Layers), trace.Tokens, trace.Hidden));
    }

    /// <summary>The prediction head on any layer's output (no final norm; docs/methods.md#logitlens).</summary>
    public float[] LensLogits(ReadOnlySpan<float> residual, int rows) => _head.Logits(_kernels, residual, rows, Info.HiddenSize);
}
