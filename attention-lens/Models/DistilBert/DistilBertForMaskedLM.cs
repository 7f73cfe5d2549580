using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>
/// modeling_distilbert.py DistilBertForMaskedLM: vocab_projector(vocab_layer_norm(act(vocab_transform(h)))),
/// the projector tied to the word embeddings, its layer norm with eps 1e-12.
/// </summary>
public sealed class DistilBertForMaskedLM : ITransformerModel
{
    private readonly IKernels _kernels;
    private readonly DistilBertModel _body;
    private readonly Linear _transform;
    private readonly Activation _activation;
    private readonly LayerNorm _norm;
    private readonly Linear _projector;

    private DistilBertForMaskedLM(IKernels kernels, DistilBertModel body, Linear transform, Activation activation, LayerNorm norm, Linear projector, long parameterCount)
    {
        _kernels = kernels;
        _body = body;
        _transform = transform;
        _activation = activation;
        _norm = norm;
        _projector = projector;
        Info = body.Info with { HasLmHead = true, ParameterCount = parameterCount };
    }

    public ModelInfo Info { get; }

    public static DistilBertForMaskedLM Load(IKernels kernels, DistilBertModel body, WeightScope root, DistilBertConfig c, string configPath)
    {
        var transform = Linear.Load(root.Scope("vocab_transform"), c.Dim, c.Dim);
        var norm = LayerNorm.Load(root.Scope("vocab_layer_norm"), c.Dim, 1e-12);
        var projector = Linear.FromWeights(body.WordEmbeddings, root.Scope("vocab_projector").Get("bias", c.VocabSize), c.Dim, c.VocabSize);
        return new DistilBertForMaskedLM(kernels, body, transform, ActivationNames.Parse(c.Activation, "activation", configPath), norm, projector, root.Store.ParameterCount);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var trace = _body.Run(input, options, cancellationToken);
        if (!options.ComputeLogits) return trace.ToResult();
        int t = trace.Tokens, c = trace.Hidden;
        var h = new float[t * c];
        _transform.Forward(_kernels, trace.HiddenState(trace.Layers), h, t);
        _kernels.Activate(h, _activation);
        var normed = new float[t * c];
        _norm.Forward(_kernels, h, normed, t);
        var logits = new float[t * Info.VocabSize];
        _projector.Forward(_kernels, normed, logits, t);
        return trace.ToResult(logits: logits);
    }
}
