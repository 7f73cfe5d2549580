using AttentionLens.Checkpoints;
using AttentionLens.Models.Heads;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>
/// The heads of BERT (modeling_bert.py) and of RoBERTa / XLM-R (modeling_roberta.py,
/// modeling_xlm_roberta.py, the same module under another model_type): masked LM (BertLMPredictionHead
/// under cls.predictions, RobertaLMHead under lm_head), sequence classification (BERT: pooler.dense,
/// tanh, classifier; RobertaClassificationHead: classifier.dense, tanh, classifier.out_proj, both on the
/// first token), token classification (classifier) and QA (qa_outputs).
/// </summary>
public static class BertHeads
{
    /// <param name="store">The weights, retrying names with the base-model prefix ("bert." / "roberta.").</param>
    /// <param name="robertaPaddingIdx">RoBERTa and XLM-R: their padding_idx (position ids start after it).</param>
    public static ITransformerModel Load(IKernels kernels, WeightStore store, BertConfig c, ConfigFile config, string modelType, int? robertaPaddingIdx)
    {
        var root = store.Root;
        string arch = config.Architecture, path = config.Path;
        bool roberta = robertaPaddingIdx is not null;
        var kind = EncoderHeads.KindOf(arch);
        // The bare body keeps its pooler (pooler_output); BERT's classifier runs the pooler itself.
        bool pooler = kind == ModelHead.Base && root.Contains("pooler.dense.weight");
        var body = BertModel.Load(kernels, root, c, path, modelType, arch, pooler, robertaPaddingIdx);
        int hidden = c.HiddenSize;
        switch (kind)
        {
            case ModelHead.MaskedLM:
                return roberta
                    ? BertForMaskedLM.Load(kernels, body, root.Scope("lm_head"), "dense", "layer_norm", c, path)
                    : BertForMaskedLM.Load(kernels, body, root.Scope("cls").Scope("predictions"), "transform.dense", "transform.LayerNorm", c, path);
            case ModelHead.SequenceClassification:
            {
                var head = roberta
                    ? EncoderHeads.SequenceClassifier(root.Scope("classifier").Scope("dense"), HeadActivation.Tanh, root.Scope("classifier").Scope("out_proj"), hidden, config)
                    : EncoderHeads.SequenceClassifier(root.Scope("pooler").Scope("dense"), HeadActivation.Tanh, root.Scope("classifier"), hidden, config, exposePooled: true);
                return EncoderHeads.Attach(kernels, body, head, config, store);
            }
            case ModelHead.TokenClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.TokenClassifier(root.Scope("classifier"), hidden, config), config, store);
            case ModelHead.QuestionAnswering:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.QuestionAnswering(root.Scope("qa_outputs"), hidden), config, store);
            default:
                return body;
        }
    }
}
