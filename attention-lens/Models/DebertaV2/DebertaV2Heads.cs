using AttentionLens.Checkpoints;
using AttentionLens.Models.Heads;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>
/// The DeBERTa-v2 heads under their modeling_deberta_v2.py names: the masked LM (legacy
/// cls.predictions: transform.dense C → E, hidden_act, transform.LayerNorm(E), decoder tied to the word
/// embeddings with cls.predictions.bias; or, with legacy = false, lm_predictions.lm_head in C),
/// sequence classification through ContextPooler (pooler.dense, pooler_hidden_act) and classifier,
/// token classification and QA.
/// </summary>
public static class DebertaV2Heads
{
    /// <param name="store">The weights, retrying names with the "deberta." prefix.</param>
    public static ITransformerModel Load(IKernels kernels, WeightStore store, DebertaV2Config c, ConfigFile config)
    {
        var root = store.Root;
        var body = DebertaV2Model.Load(kernels, root, c, config.Path, config.Architecture);
        int hidden = c.HiddenSize;
        var act = ActivationNames.Parse(c.HiddenAct, "hidden_act", config.Path);
        switch (EncoderHeads.KindOf(config.Architecture))
        {
            case ModelHead.MaskedLM when c.Legacy:
            {
                var p = root.Scope("cls").Scope("predictions");
                var bias = p.Contains("bias") ? p.Get("bias", c.VocabSize) : p.Scope("decoder").Get("bias", c.VocabSize);
                return EncoderHeads.Attach(kernels, body, EncoderHeads.MaskedLM(p.Scope("transform").Scope("dense"), act, p.Scope("transform").Scope("LayerNorm"),
                    c.LayerNormEps, body.WordEmbeddings, bias, hidden, c.EmbeddingSize, c.VocabSize), config, store);
            }
            case ModelHead.MaskedLM:
            {
                if (c.EmbeddingSize != hidden)
                    throw new CheckpointException(config.Path, $"config.json legacy = false needs embedding_size = hidden_size (here {c.EmbeddingSize} and {hidden}): lm_head multiplies C-sized states by the word embeddings.");
                var p = root.Scope("lm_predictions").Scope("lm_head");
                return EncoderHeads.Attach(kernels, body, EncoderHeads.MaskedLM(p.Scope("dense"), act, p.Scope("LayerNorm"), c.LayerNormEps,
                    body.WordEmbeddings, p.Get("bias", c.VocabSize), hidden, hidden, c.VocabSize), config, store);
            }
            case ModelHead.SequenceClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.SequenceClassifier(root.Scope("pooler").Scope("dense"),
                    HeadActivation.Parse(c.PoolerHiddenAct, "pooler_hidden_act", config.Path), root.Scope("classifier"), hidden, config), config, store);
            case ModelHead.TokenClassification:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.TokenClassifier(root.Scope("classifier"), hidden, config), config, store);
            case ModelHead.QuestionAnswering:
                return EncoderHeads.Attach(kernels, body, EncoderHeads.QuestionAnswering(root.Scope("qa_outputs"), hidden), config, store);
            default:
                return body;
        }
    }
}
