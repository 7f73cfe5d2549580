using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Loading variants of the golden checkpoints rebuilt in temp folders: tied heads without a stored
/// lm_head, Mistral and Qwen2 configs over Llama weights, a BERT classification head.
/// </summary>
public sealed class ModelVariantTests
{
    private const double Atol = 1e-4;

    private static ForwardResult RunCase(string directory, string referenceFolder, string caseName, out ReferenceCase reference)
    {
        reference = new ReferenceCase(SharedData.Path(referenceFolder, "reference", caseName + ".safetensors"));
        return ModelLoader.Load(directory).Forward(new ForwardInput(reference.InputRow("input.input_ids", 0)!));
    }

    [Fact]
    public void TiedHeadWithoutStoredLmHeadMatchesTheReference()
    {
        // stories260K stores lm_head.weight (a copy of embed_tokens); drop it: tie_word_embeddings must supply it.
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("models", "stories260K"), dir, editWeights: w => Assert.True(w.Remove("lm_head.weight")));
        var result = RunCase(dir.Path, Path.Combine("models", "stories260K"), "once_upon_a_time", out var reference);
        using (reference)
            TensorAssert.Close("stories260K logits without lm_head.weight", reference.BatchSlice("logits", 0, 0), result.Logits, Atol, reference.Tokens, 512);
    }

    [Fact]
    public void UntiedHeadWithoutStoredLmHeadIsMissing()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "llama"), dir, editWeights: w => w.Remove("lm_head.weight"));
        var e = Assert.Throws<AttentionLens.Checkpoints.CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("missing tensor 'lm_head.weight'", e.Message);
        Assert.Contains("'model.lm_head.weight'", e.Message);
    }

    [Fact]
    public void MistralConfigOverLlamaWeightsComputesLlama()
    {
        // Mistral is Llama's computation plus a sliding window that does not bind below its size.
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "llama"), dir,
            editConfig: c => c.Replace("\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 4096").Replace("LlamaForCausalLM", "MistralForCausalLM"));
        var result = RunCase(dir.Path, Path.Combine("golden", "hf", "llama"), "single", out var reference);
        using (reference)
        {
            TensorAssert.Close("mistral attentions", reference.BatchSlice("attentions", 0, 1), result.Attentions, Atol, result.Attentions.Length);
            TensorAssert.Close("mistral logits", reference.BatchSlice("logits", 0, 0), result.Logits, Atol, result.Logits!.Length);
        }
        Assert.Equal("mistral", ModelLoader.Load(dir.Path).Info.ModelType);
    }

    [Fact]
    public void Qwen2ReadsQkvBiases()
    {
        // Qwen2 always has q/k/v biases: zero biases reproduce Llama, a non-zero value bias changes the output.
        using var zero = new TempDirectory();
        using var shifted = new TempDirectory();
        string Config(string c) => c.Replace("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\"").Replace("LlamaForCausalLM", "Qwen2ForCausalLM");
        void Biases(Dictionary<string, (long[] Shape, float[] Data)> w, float value)
        {
            for (int l = 0; l < 2; l++)
            {
                w[$"model.layers.{l}.self_attn.q_proj.bias"] = ([32], new float[32]);
                w[$"model.layers.{l}.self_attn.k_proj.bias"] = ([16], new float[16]);
                w[$"model.layers.{l}.self_attn.v_proj.bias"] = ([16], Enumerable.Repeat(value, 16).ToArray());
            }
        }
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "llama"), zero, Config, w => Biases(w, 0f));
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "llama"), shifted, Config, w => Biases(w, 0.5f));
        var result = RunCase(zero.Path, Path.Combine("golden", "hf", "llama"), "single", out var reference);
        using (reference)
            TensorAssert.Close("qwen2 (zero biases) logits", reference.BatchSlice("logits", 0, 0), result.Logits, Atol, result.Logits!.Length);
        var moved = RunCase(shifted.Path, Path.Combine("golden", "hf", "llama"), "single", out var again);
        again.Dispose();
        Assert.True(result.HiddenStates.Zip(moved.HiddenStates).Max(p => Math.Abs(p.First - p.Second)) > 1e-2);
    }

    [Fact]
    public void Qwen2WithoutBiasesNamesTheMissingBias()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "llama"), dir, c => c.Replace("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\""));
        var e = Assert.Throws<AttentionLens.Checkpoints.CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("self_attn.q_proj.bias", e.Message);
    }

    [Fact]
    public void BertSequenceClassificationUsesPoolerAndClassifier()
    {
        using var dir = new TempDirectory();
        var classifier = Enumerable.Range(0, 3 * 32).Select(i => (float)Math.Sin(i)).ToArray();
        float[] bias = [0.1f, -0.2f, 0.3f];
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "bert"), dir, c => c.Replace("\"BertModel\"", "\"BertForSequenceClassification\""), w =>
        {
            foreach (var key in w.Keys.ToList()) { w["bert." + key] = w[key]; w.Remove(key); }
            w["classifier.weight"] = ([3, 32], classifier);
            w["classifier.bias"] = ([3], bias);
        });
        var model = ModelLoader.Load(dir.Path);
        Assert.Equal(3, model.Info.NumLabels);
        var result = RunCase(dir.Path, Path.Combine("golden", "hf", "bert"), "single", out var reference);
        using (reference)
        {
            var pooled = reference.BatchSlice("pooler_output", 0, 0);
            var expected = Enumerable.Range(0, 3).Select(k => (float)(bias[k] + Enumerable.Range(0, 32).Sum(i => (double)classifier[k * 32 + i] * pooled[i]))).ToArray();
            TensorAssert.Close("classifier logits", expected, result.ClassifierLogits, Atol, 3);
        }
    }
}
