using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// Builds the task heads the encoder families share in shape, from the family's weight names, and
/// reads which head a checkpoint has from its architecture name.
/// </summary>
public static class EncoderHeads
{
    /// <summary>The head an architecture name carries (<c>XForSequenceClassification</c> → SequenceClassification…);
    /// ELECTRA's discriminator (<c>ElectraForPreTraining</c>) is a one-label token classifier. Other names load the body.</summary>
    public static ModelHead KindOf(string architecture)
    {
        if (architecture.EndsWith("ForMaskedLM", StringComparison.Ordinal)) return ModelHead.MaskedLM;
        if (architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal)) return ModelHead.SequenceClassification;
        if (architecture.EndsWith("ForTokenClassification", StringComparison.Ordinal)) return ModelHead.TokenClassification;
        if (architecture.EndsWith("ForQuestionAnswering", StringComparison.Ordinal)) return ModelHead.QuestionAnswering;
        if (architecture == "ElectraForPreTraining") return ModelHead.TokenClassification;
        if (architecture.EndsWith("ForCausalLM", StringComparison.Ordinal)) return ModelHead.CausalLM;
        return ModelHead.Base;
    }

    /// <summary>The body with <paramref name="head"/>; class names from the config when the head classifies.</summary>
    public static ITransformerModel Attach(IKernels kernels, IEncoderBody body, IEncoderHead head, ConfigFile config, WeightStore store, IReadOnlyList<string>? labels = null)
    {
        labels ??= head.NumLabels > 0 ? LabelConfig.Read(config).Names(head.NumLabels, config.Path) : [];
        return new EncoderWithHead(kernels, body, head, labels, store.ParameterCount);
    }

    /// <summary>A classifier Linear (in → classes), the number of classes read from its stored rows
    /// (or the config's id2label / num_labels for generated weights).</summary>
    public static Linear Classifier(WeightScope w, int inFeatures, ConfigFile config)
    {
        var shape = w.ShapeOf("weight");
        int labels;
        if (shape is { Length: 2 })
        {
            labels = checked((int)shape[0]);
        }
        else
        {
            var c = LabelConfig.Read(config);
            labels = c.Id2Label?.Count ?? c.NumLabels ?? 2;
        }
        ConfigLimits.Check(config.Path, "num_labels", labels, 1 << 16);
        return Linear.Load(w, inFeatures, labels);
    }

    public static IEncoderHead TokenClassifier(WeightScope classifier, int hidden, ConfigFile config) =>
        new TokenClassifierHead(null, Activation.Gelu, Classifier(classifier, hidden, config));

    public static IEncoderHead QuestionAnswering(WeightScope qaOutputs, int hidden) =>
        new QuestionAnsweringHead(Linear.Load(qaOutputs, hidden, 2));

    /// <param name="exposePooled">Report act(dense(h₀)) as the pooler output (BERT, ALBERT: it is their pooler).</param>
    public static IEncoderHead SequenceClassifier(WeightScope dense, HeadActivation activation, WeightScope classifier, int hidden, ConfigFile config, bool exposePooled = false) =>
        new SequenceClassifierHead(Linear.Load(dense, hidden, hidden), activation, Classifier(classifier, hidden, config), exposePooled);

    /// <summary>The masked-LM head LN(act(dense(h))) · Eᵀ + bias, E the (V, embedding) word table.</summary>
    public static IEncoderHead MaskedLM(WeightScope dense, Activation activation, WeightScope norm, double eps, ReadOnlyMemory<float> wordEmbeddings,
        ReadOnlyMemory<float> bias, int hidden, int embedding, int vocab)
    {
        var transform = Linear.Load(dense, hidden, embedding);
        var layerNorm = LayerNorm.Load(norm, embedding, eps);
        var decoder = Linear.FromWeights(wordEmbeddings, bias, embedding, vocab);
        return new MaskedLMTaskHead(new MaskedLMHead(transform, activation, layerNorm, decoder, vocab));
    }
}
