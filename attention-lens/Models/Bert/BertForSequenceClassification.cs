using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>modeling_bert.py BertForSequenceClassification: classifier(pooler_output) → num_labels logits.</summary>
public sealed class BertForSequenceClassification : ITransformerModel
{
    private readonly IKernels _kernels;
    private readonly BertModel _body;
    private readonly Linear _classifier;

    private BertForSequenceClassification(IKernels kernels, BertModel body, Linear classifier, long parameterCount)
    {
        _kernels = kernels;
        _body = body;
        _classifier = classifier;
        Info = body.Info with { NumLabels = classifier.OutFeatures, ParameterCount = parameterCount };
    }

    public ModelInfo Info { get; }

    /// <param name="body">A BertModel loaded with its pooler.</param>
    public static BertForSequenceClassification Load(IKernels kernels, BertModel body, WeightScope root, BertConfig c)
    {
        var shape = root.ShapeOf("classifier.weight");
        int labels = shape is { Length: 2 } ? checked((int)shape[0]) : 2;
        ConfigLimits.Check(root.Store.Source, "num_labels", labels, 1 << 16);
        var classifier = Linear.Load(root.Scope("classifier"), c.HiddenSize, labels);
        return new BertForSequenceClassification(kernels, body, classifier, root.Store.ParameterCount);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = _body.Forward(input, options, cancellationToken);
        var kernels = _kernels.WithThreads(options?.Threads ?? 0);
        var logits = new float[Info.NumLabels];
        _classifier.Forward(kernels, result.PooledOutput!, logits, 1);
        return new ForwardResult
        {
            Layers = result.Layers, Heads = result.Heads, Tokens = result.Tokens, Hidden = result.Hidden,
            Attentions = result.Attentions, HiddenStates = result.HiddenStates, ValueOutputs = result.ValueOutputs,
            PooledOutput = result.PooledOutput, ClassifierLogits = logits, PostNormTerms = result.PostNormTerms,
        };
    }
}
