using AttentionLens.Models;
using AttentionLens.Models.Llama;
using AttentionLens.Tensors;

namespace AttentionLens.Tests.Models;

/// <summary>Contract behaviour of loaded models: cancellation, concurrent calls, input checks, metadata, presets.</summary>
public sealed class ModelBehaviourTests
{
    private static ITransformerModel Load(string folder) => ModelLoader.Load(SharedData.Path("golden", "hf", folder));

    [Theory]
    [InlineData("bert")]
    [InlineData("distilbert")]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void CancelledTokenStopsTheForward(string folder)
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Load(folder).Forward(new ForwardInput([1, 2, 3]), null, cancel.Token));
    }

    [Fact]
    public void ConcurrentCallsGiveTheSameResultsAsSequentialOnes()
    {
        var model = Load("llama");
        var inputs = Enumerable.Range(0, 8).Select(i => new ForwardInput(Enumerable.Range(1, 5 + i).Select(x => (x * 7 + i) % 320).ToArray())).ToArray();
        var sequential = inputs.Select(i => model.Forward(i)).ToArray();
        var parallel = new ForwardResult[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = model.Forward(inputs[i]));
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(sequential[i].Attentions, parallel[i].Attentions);
            Assert.Equal(sequential[i].Logits, parallel[i].Logits);
        }
    }

    [Fact]
    public void IdOutsideTheVocabularyIsAnError()
    {
        var e = Assert.Throws<AttentionLensException>(() => Load("bert").Forward(new ForwardInput([1, 500, 2])));
        Assert.Contains("input id 500 at position 1", e.Message);
    }

    [Fact]
    public void InputLongerThanThePositionsIsAnError()
    {
        var e = Assert.Throws<AttentionLensException>(() => Load("gpt2").Forward(new ForwardInput(new int[65])));
        Assert.Contains("at most 64", e.Message);
    }

    [Fact]
    public void MaskOfTheWrongLengthIsAnError()
    {
        var e = Assert.Throws<AttentionLensException>(() => Load("bert").Forward(new ForwardInput([1, 2, 3], AttentionMask: [1, 1])));
        Assert.Contains("attention mask has 2 entries for 3 input ids", e.Message);
    }

    [Fact]
    public void InfoDescribesTheCheckpoint()
    {
        var info = ModelLoader.Load(SharedData.Path("models", "stories260K")).Info;
        Assert.Equal(("llama", "LlamaForCausalLM", 5, 8, 4, 64, 8, 512), (info.ModelType, info.Architecture, info.Layers, info.Heads, info.KeyValueHeads, info.HiddenSize, info.HeadDim, info.VocabSize));
        Assert.True(info.IsCausal && info.HasLmHead);
        // Every stored tensor but the (tied, unused) lm_head copy: 512·64 + 5·(2·64 + 64·64·2 + 32·64·2 + 172·64·3) + 64.
        Assert.Equal(512 * 64 + 5 * (2 * 64 + 64 * 64 * 2 + 32 * 64 * 2 + 172 * 64 * 3) + 64, info.ParameterCount);
        var bert = Load("bert_mlm").Info;
        Assert.True(bert.HasLmHead && !bert.IsCausal);
        Assert.Equal(64, bert.MaxPositions);
        Assert.Equal(64, Load("roberta").Info.MaxPositions); // 66 positions minus padding_idx + 1
    }

    [Fact]
    public void BertBasePresetHasTheStandardSize()
    {
        var model = ModelPresets.CreateRandom("bert-base", seed: 1);
        var info = model.Info;
        Assert.Equal((12, 12, 768, 30522, 512), (info.Layers, info.Heads, info.HiddenSize, info.VocabSize, info.MaxPositions));
        // BERT-base: 109,482,240 parameters with the pooler (the published count for bert-base-uncased).
        Assert.Equal(109_482_240, info.ParameterCount);
        var result = model.Forward(new ForwardInput([101, 2023, 2003, 102]));
        Assert.Equal(12 * 12 * 4 * 4, result.Attentions.Length);
        Assert.All(result.Attentions, a => Assert.InRange(a, 0f, 1f));
    }

    [Fact]
    public void UnknownPresetIsAnError()
    {
        var e = Assert.Throws<AttentionLensException>(() => ModelPresets.CreateRandom("gpt5", 0));
        Assert.Contains("bert-base, gpt2, gpt2-medium", e.Message);
    }

    [Fact]
    public void Llama3RopeScalingKeepsHighAndDividesLowFrequencies()
    {
        // Llama 3.1 8B: θ 500000, D 128, factor 8, low 1, high 4, original context 8192.
        var inv = Enumerable.Range(0, 64).Select(i => (float)(1.0 / Math.Pow(500000, 2.0 * i / 128))).ToArray();
        var scaled = (float[])inv.Clone();
        new RopeScaling { RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8192 }.Apply(scaled, "config.json");
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelength = 2 * Math.PI / inv[i];
            if (wavelength < 8192 / 4.0) Assert.Equal(inv[i], scaled[i]);
            else if (wavelength > 8192 / 1.0) Assert.Equal(inv[i] / 8, scaled[i], 1e-12f);
            else Assert.InRange(scaled[i], inv[i] / 8, inv[i]);
        }
        Assert.Contains(scaled.Zip(inv), p => p.First != p.Second);
    }
}
