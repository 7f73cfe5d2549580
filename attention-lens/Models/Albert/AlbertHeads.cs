using AttentionLens.Checkpoints;
using AttentionLens.Models.Heads;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>
/// The ALBERT heads under their modeling_albert.py names: AlbertMLMHead (predictions.dense C → E,
/// hidden_act, predictions.LayerNorm(E), decoder tied to the word embeddings with predictions.bias),
/// sequence classification on the pooler (AlbertModel.pooler, a bare Linear, then tanh) and classifier,
/// token classification and QA on the sequence output.
/// </summary>
public static class AlbertHeads
{
    /// <param name="store">The weights, retrying names with the "albert." prefix.</param>
    public static ITransformerModel Load(IKernels kernels, WeightStore store, AlbertConfig c, ConfigFile config)
    {
        var root = store.Root;
        var body = AlbertModel.Load(kernels, root, c, config.Path, config.Architecture);
        int hidden = c.HiddenSize;
        switch (EncoderHeads.KindOf(config.Architecture))
        {
            case ModelHead.MaskedLM:
            {
                var p = root.Scope("predictions");
                var bias = p.Contains("bias") ? p.Get("bias", c.VocabSize) : p.Scope("decoder").Get("bias", c.VocabSize);
                var act = ActivationNames.Parse(c.HiddenAct, "hidden_act", config.Path);
                return EncoderHeads.Attach(kernels, body, EncoderHeads.MaskedLM(p.Scope("dense"), act, p.Scope("LayerNorm"), c.LayerNormEps,
                    body.WordEmbeddings, bias, hidden, c.EmbeddingSize, c.VocabSize), config, store);
            }
            case ModelHead.SequenceClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.SequenceClassifier(root.Scope("pooler"), HeadActivation.Tanh,
                    root.Scope("classifier"), hidden, config, exposePooled: true), config, store);
            case ModelHead.TokenClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.TokenClassifier(root.Scope("classifier"), hidden, config), config, store);
            case ModelHead.QuestionAnswering:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.QuestionAnswering(root.Scope("qa_outputs"), hidden), config, store);
            default:
                return body;
        }
    }
}
