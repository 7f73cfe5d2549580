using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>Reads which task head a decoder checkpoint has (its architecture name) and loads it onto a body.</summary>
public static class DecoderHeads
{
    /// <summary>
    /// The head named by <paramref name="architecture"/>: <c>…ForCausalLM</c> or <c>…LMHeadModel</c>,
    /// <c>…ForSequenceClassification</c>, <c>…ForTokenClassification</c>, <c>…ForQuestionAnswering</c>,
    /// or the bare <c>…Model</c> (also when the config names no architecture). Anything else, or a head
    /// the family does not have in transformers, is refused naming the ones it has.
    /// </summary>
    public static ModelHead Parse(string architecture, string modelType, string configPath, DecoderHeadNames names)
    {
        bool Ends(string suffix) => architecture.EndsWith(suffix, StringComparison.Ordinal);
        if (Ends("ForCausalLM") || Ends("LMHeadModel")) return ModelHead.CausalLM;
        if (Ends("ForSequenceClassification") && names.HasSequenceClassification) return ModelHead.SequenceClassification;
        if (Ends("ForTokenClassification") && names.HasTokenClassification) return ModelHead.TokenClassification;
        if (Ends("ForQuestionAnswering") && names.HasQuestionAnswering) return ModelHead.QuestionAnswering;
        if (Ends("Model") || architecture == modelType) return ModelHead.Base;
        throw new CheckpointException(configPath,
            $"config.json architectures names '{architecture}', a head Attention Lens does not support for model_type '{modelType}'; supported: {names.Supported}.");
    }

    /// <summary>
    /// Loads <paramref name="head"/> from the checkpoint's top-level weights and puts it on
    /// <paramref name="body"/> (returned unchanged for <see cref="ModelHead.Base"/>).
    /// </summary>
    /// <param name="features">Width of the head's input: hidden_size (OPT: word_embed_proj_dim).</param>
    /// <param name="tiedEmbedding">The token embedding when tie_word_embeddings makes it the LM head.</param>
    public static ITransformerModel Attach(IKernels kernels, ITransformerModel body, ModelHead head, WeightScope root, DecoderHeadNames names,
        DecoderHeadConfig headConfig, string configPath, string architecture, int features, Embedding? tiedEmbedding,
        Linear? projectOut = null, float? finalSoftCap = null)
    {
        if (head == ModelHead.Base) return body;
        int vocab = body.Info.VocabSize;
        Linear linear;
        IReadOnlyList<string> labels = [];
        switch (head)
        {
            case ModelHead.CausalLM:
                linear = tiedEmbedding is not null
                    ? Linear.FromWeights(tiedEmbedding.Data, names.LmHeadBias ? root.Scope(names.LmHead).Get("bias", vocab) : ReadOnlyMemory<float>.Empty, features, vocab)
                    : Linear.Load(root.Scope(names.LmHead), features, vocab, names.LmHeadBias);
                break;
            case ModelHead.SequenceClassification:
            case ModelHead.TokenClassification:
            {
                string module = head == ModelHead.SequenceClassification ? "score" : names.TokenClassifier;
                int count = LabelCount(root, module, headConfig, configPath);
                linear = Linear.Load(root.Scope(module), features, count, bias: head == ModelHead.TokenClassification);
                labels = headConfig.Labels(count, configPath);
                break;
            }
            case ModelHead.QuestionAnswering:
                linear = Linear.Load(root.Scope("qa_outputs"), features, 2);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(head), head, null);
        }
        var info = body.Info with
        {
            Architecture = architecture,
            Head = head,
            HasLmHead = head == ModelHead.CausalLM,
            NumLabels = labels.Count,
            Labels = labels,
            ParameterCount = root.Store.ParameterCount,
        };
        return new DecoderTaskModel(kernels, body, info, linear, projectOut, finalSoftCap, headConfig.PadTokenId);
    }

    /// <summary>Classes of a classifier: the rows of its stored weight, else id2label / num_labels, else 2 (transformers' default).</summary>
    private static int LabelCount(WeightScope root, string module, DecoderHeadConfig headConfig, string configPath)
    {
        var shape = root.Scope(module).ShapeOf("weight");
        int count = shape is { Length: 2 } ? checked((int)shape[0]) : headConfig.Id2Label?.Count ?? headConfig.NumLabels ?? 2;
        ConfigLimits.Check(configPath, "num_labels", count, 1 << 16);
        return count;
    }
}
