using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// An encoder body with a task head (<c>XForSequenceClassification</c>, <c>XForTokenClassification</c>,
/// <c>XForQuestionAnswering</c>, <c>XForMaskedLM</c>, <c>ElectraForPreTraining</c>): the body's trace
/// plus the head's outputs on its last hidden state.
/// </summary>
public sealed partial class EncoderWithHead : ITransformerModel
{
    private readonly IKernels _kernels;
    private readonly IEncoderBody _body;
    private readonly IEncoderHead _head;

    /// <param name="labels">Class names (sequence or token classification), empty otherwise.</param>
    public EncoderWithHead(IKernels kernels, IEncoderBody body, IEncoderHead head, IReadOnlyList<string> labels, long parameterCount)
    {
        _kernels = kernels;
        _body = body;
        _head = head;
        Info = body.Info with
        {
            HasLmHead = head.Kind == ModelHead.MaskedLM,
            NumLabels = head.NumLabels,
            ParameterCount = parameterCount,
            Head = head.Kind,
            Labels = labels,
        };
    }

    public ModelInfo Info { get; }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var trace = _body.Run(input, options, cancellationToken);
        var outputs = options.ComputeLogits
            ? _head.Forward(_kernels.WithThreads(options.Threads), trace.HiddenState(trace.Layers), trace.Tokens)
            : new HeadOutputs();
        // The body's states (up to the layers this pass computed), then the head's own outputs.
        trace.CheckFinite(outputs.Logits);
        ForwardTrace.CheckHeadOutputs(trace.Layers, outputs.ClassifierLogits, outputs.TokenClassifierLogits, outputs.StartLogits, outputs.EndLogits, outputs.PooledOutput);
        return new ForwardResult
        {
            Layers = trace.Layers, Heads = trace.Heads, Tokens = trace.Tokens, Hidden = trace.Hidden,
            AttentionStore = trace.Store, HiddenStates = trace.HiddenStates, ValueOutputs = trace.ValueOutputs,
            Logits = outputs.Logits, ClassifierLogits = outputs.ClassifierLogits, TokenClassifierLogits = outputs.TokenClassifierLogits,
            StartLogits = outputs.StartLogits, EndLogits = outputs.EndLogits, PooledOutput = outputs.PooledOutput,
            PostNormTerms = trace.PostNormTerms,
        };
    }
}
