using AttentionLens.Checkpoints;
using AttentionLens.Models.Heads;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Electra;

/// <summary>
/// The ELECTRA heads under their modeling_electra.py names: ElectraForPreTraining (the discriminator,
/// ElectraDiscriminatorPredictions: dense, hidden_act, dense_prediction → one "replaced" logit per
/// token), ElectraForMaskedLM (the generator: generator_predictions dense C → E, gelu, LayerNorm(E),
/// then generator_lm_head tied to the word embeddings), ElectraClassificationHead (dense, gelu,
/// out_proj on the first token), token classification and QA.
/// </summary>
public static class ElectraHeads
{
    /// <param name="store">The weights, retrying names with the "electra." prefix.</param>
    public static ITransformerModel Load(IKernels kernels, WeightStore store, ElectraConfig c, ConfigFile config)
    {
        var root = store.Root;
        string arch = config.Architecture;
        var body = ElectraModel.Load(kernels, root, c, config.Path, arch);
        int hidden = c.HiddenSize;
        var act = ActivationNames.Parse(c.HiddenAct, "hidden_act", config.Path);
        switch (EncoderHeads.KindOf(arch))
        {
            case ModelHead.TokenClassification when arch == "ElectraForPreTraining":
            {
                var d = root.Scope("discriminator_predictions");
                var head = new TokenClassifierHead(Linear.Load(d.Scope("dense"), hidden, hidden), act, Linear.Load(d.Scope("dense_prediction"), hidden, 1));
                return EncoderHeads.Attach(kernels, body, head, config, store, ["replaced"]);
            }
            case ModelHead.MaskedLM:
            {
                var g = root.Scope("generator_predictions");
                var bias = root.Scope("generator_lm_head").Get("bias", c.VocabSize);
                var head = EncoderHeads.MaskedLM(g.Scope("dense"), Activation.Gelu, g.Scope("LayerNorm"), c.LayerNormEps, body.WordEmbeddings, bias, hidden, c.EmbeddingSize, c.VocabSize);
                return EncoderHeads.Attach(kernels, body, head, config, store);
            }
            case ModelHead.SequenceClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.SequenceClassifier(root.Scope("classifier").Scope("dense"), HeadActivation.Of(Activation.Gelu),
                    root.Scope("classifier").Scope("out_proj"), hidden, config), config, store);
            case ModelHead.TokenClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.TokenClassifier(root.Scope("classifier"), hidden, config), config, store);
            case ModelHead.QuestionAnswering:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.QuestionAnswering(root.Scope("qa_outputs"), hidden), config, store);
            default:
                return body;
        }
    }
}
