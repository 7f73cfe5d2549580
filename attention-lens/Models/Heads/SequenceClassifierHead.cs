using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// Every encoder's <c>*ForSequenceClassification</c> has this shape on the first token h₀ ([CLS] / &lt;s&gt;):
/// logits = classifier(act(dense(h₀))). BERT and ALBERT: dense = pooler, act = tanh; RoBERTa / XLM-R
/// (RobertaClassificationHead): dense, tanh, out_proj; ELECTRA (ElectraClassificationHead): dense, gelu,
/// out_proj; DistilBERT: pre_classifier, ReLU, classifier; DeBERTa-v2: ContextPooler (dense,
/// pooler_hidden_act), classifier. Dropout is the identity in eval.
/// </summary>
public sealed class SequenceClassifierHead(Linear dense, HeadActivation activation, Linear classifier, bool exposePooled) : IEncoderHead
{
    public ModelHead Kind => ModelHead.SequenceClassification;

    public int NumLabels => classifier.OutFeatures;

    public HeadOutputs Forward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens)
    {
        var pooled = new float[dense.OutFeatures];
        dense.Forward(kernels, sequence[..dense.InFeatures], pooled, 1);
        activation.Apply(kernels, pooled);
        var logits = new float[classifier.OutFeatures];
        classifier.Forward(kernels, pooled, logits, 1);
        return new HeadOutputs { ClassifierLogits = logits, PooledOutput = exposePooled ? pooled : null };
    }
}
