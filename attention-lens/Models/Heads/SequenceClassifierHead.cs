using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// Every encoder's <c>*ForSequenceClassification</c> has this shape on the first token h₀ ([CLS] / &lt;s&gt;):
/// logits = classifier(act(dense(h₀))). BERT and ALBERT: dense = pooler, act = tanh; RoBERTa / XLM-R
/// (RobertaClassificationHead): dense, tanh, out_proj; ELECTRA (ElectraClassificationHead): dense, gelu,
/// out_proj; DistilBERT: pre_classifier, ReLU, classifier; DeBERTa-v2: ContextPooler (dense,
/// pooler_hidden_act), classifier. Dropout is the identity in eval.
/// </summary>
public sealed class SequenceClassifierHead(Linear dense, HeadActivation activation, Linear classifier, bool exposePooled) : IEncoderHead, IDifferentiableHead
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

    /// <summary>z = classifier(act(dense(h₀))) backward to ∂y/∂h₀ (the other rows get no gradient).</summary>
    public float Backward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens, GradientTarget target, ModelInfo info, Span<float> dSequence)
    {
        TargetGradient.CheckOutput(target, info, GradientOutput.ClassifierLogits);
        var pre = new float[dense.OutFeatures];
        dense.Forward(kernels, sequence[..dense.InFeatures], pre, 1);
        var pooled = (float[])pre.Clone();
        activation.Apply(kernels, pooled);
        var logits = new float[classifier.OutFeatures];
        classifier.Forward(kernels, pooled, logits, 1);
        var dz = new float[logits.Length];
        float value = TargetGradient.Seed(logits, target.Index, target.ContrastIndex, target.LogProbability, "label", dz);
        var dPooled = new float[pooled.Length];
        classifier.Backward(kernels, dz, dPooled, 1);
        activation.Backward(pre, pooled, dPooled);
        dense.Backward(kernels, dPooled, dSequence[..dense.InFeatures], 1);
        return value;
    }
}
