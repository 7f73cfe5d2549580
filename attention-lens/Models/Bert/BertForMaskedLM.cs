using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>
/// modeling_bert.py BertForMaskedLM: BertModel without pooler, then BertLMPredictionHead:
/// LN(act(dense(h))) · Eᵀ + bias, the decoder tied to the word embeddings (tie_word_embeddings).
/// RoBERTa's RobertaLMHead has the same computation under lm_head.*.
/// </summary>
public sealed partial class BertForMaskedLM : ITransformerModel, ILogitLens
{
    private readonly IKernels _kernels;
    private readonly BertModel _body;
    private readonly MaskedLMHead _head;

    private BertForMaskedLM(IKernels kernels, BertModel body, MaskedLMHead head, long parameterCount)
    {
        _kernels = kernels;
        _body = body;
        _head = head;
        Info = body.Info with { HasLmHead = true, ParameterCount = parameterCount, Head = ModelHead.MaskedLM };
    }

    public ModelInfo Info { get; }

    /// <param name="head">Scope of the head: "cls.predictions" (BERT) or "lm_head" (RoBERTa).</param>
    /// <param name="transform">Name of the transform dense under the head: "transform.dense" or "dense".</param>
    /// <param name="norm">Name of its LayerNorm: "transform.LayerNorm" or "layer_norm".</param>
    public static BertForMaskedLM Load(IKernels kernels, BertModel body, WeightScope head, string transform, string norm, BertConfig c, string configPath)
    {
        var dense = Linear.Load(head.Scope(transform), c.HiddenSize, c.HiddenSize);
        var layerNorm = LayerNorm.Load(head.Scope(norm), c.HiddenSize, c.LayerNormEps);
        var bias = head.Contains("bias") ? head.Get("bias", c.VocabSize) : head.Scope("decoder").Get("bias", c.VocabSize);
        var decoder = Linear.FromWeights(body.Embeddings.Word.Data, bias, c.HiddenSize, c.VocabSize);
        var lmHead = new MaskedLMHead(dense, ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath), layerNorm, decoder, c.VocabSize);
        return new BertForMaskedLM(kernels, body, lmHead, head.Store.ParameterCount);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var trace = _body.Run(input, options, cancellationToken);
        if (!options.ComputeLogits) return trace.ToResult();
        var kernels = _kernels.WithThreads(options.Threads);
        return trace.ToResult(logits: _head.Logits(kernels, trace.HiddenState(trace.Layers), trace.Tokens, trace.Hidden));
    }

    /// <summary>The prediction head on any layer's output (BERT has no final norm; docs/methods.md#logitlens).</summary>
    public float[] LensLogits(ReadOnlySpan<float> residual, int rows) => _head.Logits(_kernels, residual, rows, Info.HiddenSize);
}
