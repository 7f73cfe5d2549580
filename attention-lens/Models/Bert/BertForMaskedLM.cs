using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>
/// modeling_bert.py BertForMaskedLM: BertModel without pooler, then BertLMPredictionHead:
/// LN(act(dense(h))) · Eᵀ + bias, the decoder tied to the word embeddings (tie_word_embeddings).
/// RoBERTa's RobertaLMHead has the same computation under lm_head.*.
/// </summary>
public sealed class BertForMaskedLM : ITransformerModel
{
    private readonly IKernels _kernels;
    private readonly BertModel _body;
    private readonly Linear _transform;
    private readonly LayerNorm _norm;
    private readonly Activation _activation;
    private readonly Linear _decoder;

    private BertForMaskedLM(IKernels kernels, BertModel body, Linear transform, LayerNorm norm, Activation activation, Linear decoder)
    {
        _kernels = kernels;
        _body = body;
        _transform = transform;
        _norm = norm;
        _activation = activation;
        _decoder = decoder;
        Info = body.Info with { HasLmHead = true };
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
        var decoder = Linear.FromWeights(body.Embeddings.Word.Weight, bias, c.HiddenSize, c.VocabSize);
        return new BertForMaskedLM(kernels, body, dense, layerNorm, ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath), decoder);
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
        _decoder.Forward(_kernels, normed, logits, t);
        return trace.ToResult(logits: logits);
    }
}
