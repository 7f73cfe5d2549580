using AttentionLens.Checkpoints;
using AttentionLens.Models.Heads;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>
/// The DistilBERT heads (modeling_distilbert.py): masked LM (<see cref="DistilBertForMaskedLM"/>),
/// sequence classification (pre_classifier on the first token, ReLU, classifier), token
/// classification (classifier) and QA (qa_outputs).
/// </summary>
public static class DistilBertHeads
{
    /// <param name="store">The weights, retrying names with the "distilbert." prefix.</param>
    public static ITransformerModel Load(IKernels kernels, WeightStore store, DistilBertConfig c, ConfigFile config)
    {
        var root = store.Root;
        var body = DistilBertModel.Load(kernels, root, c, config.Path, config.Architecture);
        switch (EncoderHeads.KindOf(config.Architecture))
        {
            case ModelHead.MaskedLM:
                return DistilBertForMaskedLM.Load(kernels, body, root, c, config.Path);
            case ModelHead.SequenceClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.SequenceClassifier(root.Scope("pre_classifier"), HeadActivation.Of(Activation.Relu),
                    root.Scope("classifier"), c.Dim, config), config, store);
            case ModelHead.TokenClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.TokenClassifier(root.Scope("classifier"), c.Dim, config), config, store);
            case ModelHead.QuestionAnswering:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.QuestionAnswering(root.Scope("qa_outputs"), c.Dim), config, store);
            default:
                return body;
        }
    }
}
