using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// What each decoder head reports about itself (ModelInfo.Head, labels from id2label, NumLabels) and
/// which token a sequence classifier reads (transformers: the one before the first pad_token_id).
/// </summary>
public sealed class DecoderHeadTests
{
    private static ITransformerModel Load(string name) => ModelLoader.Load(Path.Combine(DecoderGoldenTests.Root, name));

    [Theory]
    [InlineData("gpt_neox", ModelHead.CausalLM, 0)]
    [InlineData("gemma2", ModelHead.CausalLM, 0)]
    [InlineData("phi3_seqcls", ModelHead.SequenceClassification, 3)]
    [InlineData("gpt2_seqcls", ModelHead.SequenceClassification, 3)]
    [InlineData("mistral_tokcls", ModelHead.TokenClassification, 5)]
    [InlineData("llama_qa", ModelHead.QuestionAnswering, 0)]
    [InlineData("opt_qa", ModelHead.QuestionAnswering, 0)]
    public void InfoNamesTheHead(string name, ModelHead head, int labels)
    {
        var info = Load(name).Info;
        Assert.Equal(head, info.Head);
        Assert.Equal(labels, info.NumLabels);
        Assert.Equal(head == ModelHead.CausalLM, info.HasLmHead);
        Assert.True(info.IsCausal);
    }

    [Fact]
    public void LabelsComeFromId2Label()
    {
        Assert.Equal(["negative", "neutral", "positive"], Load("gemma_seqcls").Info.Labels);
        Assert.Equal(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"], Load("phi_tokcls").Info.Labels);
    }

    [Fact]
    public void SequenceClassifierReadsTheTokenBeforeTheFirstPad()
    {
        var model = Assert.IsType<DecoderTaskModel>(Load("mistral_seqcls"));   // pad_token_id 0
        Assert.Equal(4, model.LastTokenIndex(new ForwardInput([5, 6, 7, 8, 9, 0, 0])));
        Assert.Equal(6, model.LastTokenIndex(new ForwardInput([5, 6, 7, 8, 9, 10, 11])));
        // A pad in first place wraps to the last token: (0 − 1) mod T, as torch's modulo does.
        Assert.Equal(2, model.LastTokenIndex(new ForwardInput([0, 6, 7])));
        // The padded row's logits are those of the same prefix unpadded (causal attention).
        var padded = model.Forward(new ForwardInput([5, 6, 7, 8, 9, 0, 0], AttentionMask: [1, 1, 1, 1, 1, 0, 0])).ClassifierLogits!;
        var alone = model.Forward(new ForwardInput([5, 6, 7, 8, 9])).ClassifierLogits!;
        TensorAssert.Close("padded vs unpadded classifier logits", alone, padded, 1e-5, 3);
    }

    [Fact]
    public void LanguageModelLogitsCanBeSkipped()
    {
        var model = Load("phi");
        var result = model.Forward(new ForwardInput([3, 4, 5]), new ForwardOptions { ComputeLogits = false });
        Assert.Null(result.Logits);
        Assert.NotNull(model.Forward(new ForwardInput([3, 4, 5])).Logits);
    }
}
