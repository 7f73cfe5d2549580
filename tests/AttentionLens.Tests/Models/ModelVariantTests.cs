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
    public void LayerNormGammaAndBetaNamesLoad()
    {
        // Checkpoints converted from TensorFlow (bert-base-uncased) store LayerNorm.gamma / LayerNorm.beta.
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "bert"), dir, editWeights: w =>
        {
            foreach (var key in w.Keys.Where(k => k.Contains("LayerNorm")).ToList())
            {
                w[key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta")] = w[key];
                w.Remove(key);
            }
        });
        var result = RunCase(dir.Path, Path.Combine("golden", "hf", "bert"), "single", out var reference);
        using (reference)
            TensorAssert.Close("bert (gamma/beta) hidden_states", reference.BatchSlice("hidden_states", 0, 1), result.HiddenStates, Atol, result.HiddenStates.Length);
    }

    [Theory]
    [InlineData("gpt2", "GPT2LMHeadModel", "GPT2Model")]
    [InlineData("llama", "LlamaForCausalLM", "LlamaModel")]
    public void BaseDecoderWithoutHeadHasNoLogits(string folder, string headArchitecture, string baseArchitecture)
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", folder), dir, c => c.Replace(headArchitecture, baseArchitecture));
        var model = ModelLoader.Load(dir.Path);
        Assert.False(model.Info.HasLmHead);
        var result = RunCase(dir.Path, Path.Combine("golden", "hf", folder), "single", out var reference);
        using (reference)
            TensorAssert.Close($"{baseArchitecture} hidden_states", reference.BatchSlice("hidden_states", 0, 1), result.HiddenStates, Atol, result.HiddenStates.Length);
        Assert.Null(result.Logits);
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

    [Fact]
    public void RobertaMaskedLMHeadIsTiedAndUsesLmHeadNames()
    {
        // RobertaForMaskedLM: roberta.* body and lm_head.{dense, layer_norm, bias}, decoder tied to the word embeddings.
        // Expected logits are computed here in double from the reference sequence output.
        using var dir = new TempDirectory();
        const int c = 32, v = 309;
        var dense = Enumerable.Range(0, c * c).Select(i => (float)Math.Cos(i * 0.37) * 0.3f).ToArray();
        var denseBias = Enumerable.Range(0, c).Select(i => 0.01f * i).ToArray();
        var gamma = Enumerable.Range(0, c).Select(i => 1f + 0.02f * i).ToArray();
        var beta = Enumerable.Range(0, c).Select(i => -0.01f * i).ToArray();
        var bias = Enumerable.Range(0, v).Select(i => (float)Math.Sin(i) * 0.1f).ToArray();
        float[] embedding = [];
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "roberta"), dir, cfg => cfg.Replace("\"RobertaModel\"", "\"RobertaForMaskedLM\""), w =>
        {
            foreach (var key in w.Keys.ToList()) { if (!key.StartsWith("pooler")) w["roberta." + key] = w[key]; w.Remove(key); }
            embedding = w["roberta.embeddings.word_embeddings.weight"].Data;
            w["lm_head.dense.weight"] = ([c, c], dense);
            w["lm_head.dense.bias"] = ([c], denseBias);
            w["lm_head.layer_norm.weight"] = ([c], gamma);
            w["lm_head.layer_norm.bias"] = ([c], beta);
            w["lm_head.bias"] = ([v], bias);
        });
        var result = RunCase(dir.Path, Path.Combine("golden", "hf", "roberta"), "single", out var reference);
        using (reference)
        {
            int t = reference.Tokens;
            var sequence = reference.BatchSlice("last_hidden_state", 0, 0);
            var expected = new float[t * v];
            for (int i = 0; i < t; i++)
            {
                var h = Enumerable.Range(0, c).Select(o => denseBias[o] + Enumerable.Range(0, c).Sum(k => (double)dense[o * c + k] * sequence[i * c + k])).ToArray();
                h = h.Select(x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)))).ToArray();
                double mean = h.Average(), variance = h.Select(x => (x - mean) * (x - mean)).Average();
                var n = h.Select((x, k) => (x - mean) / Math.Sqrt(variance + 1e-5) * gamma[k] + beta[k]).ToArray();
                for (int o = 0; o < v; o++)
                    expected[i * v + o] = (float)(bias[o] + Enumerable.Range(0, c).Sum(k => n[k] * embedding[o * c + k]));
            }
            TensorAssert.Close("roberta mlm logits", expected, result.Logits, Atol, t, v);
        }
    }

    [Fact]
    public void DistilBertMaskedLMHeadIsTiedToTheWordEmbeddings()
    {
        using var dir = new TempDirectory();
        const int c = 32, v = 120;
        var transform = Enumerable.Range(0, c * c).Select(i => (float)Math.Sin(i * 0.11) * 0.3f).ToArray();
        var transformBias = Enumerable.Range(0, c).Select(i => -0.02f * i).ToArray();
        var gamma = Enumerable.Range(0, c).Select(i => 1f - 0.01f * i).ToArray();
        var beta = Enumerable.Range(0, c).Select(i => 0.03f * i).ToArray();
        var bias = Enumerable.Range(0, v).Select(i => (float)Math.Cos(i) * 0.1f).ToArray();
        float[] embedding = [];
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "distilbert"), dir, cfg => cfg.Replace("\"DistilBertModel\"", "\"DistilBertForMaskedLM\""), w =>
        {
            foreach (var key in w.Keys.ToList()) { w["distilbert." + key] = w[key]; w.Remove(key); }
            embedding = w["distilbert.embeddings.word_embeddings.weight"].Data;
            w["vocab_transform.weight"] = ([c, c], transform);
            w["vocab_transform.bias"] = ([c], transformBias);
            w["vocab_layer_norm.weight"] = ([c], gamma);
            w["vocab_layer_norm.bias"] = ([c], beta);
            w["vocab_projector.bias"] = ([v], bias);
        });
        var result = RunCase(dir.Path, Path.Combine("golden", "hf", "distilbert"), "single", out var reference);
        using (reference)
        {
            int t = reference.Tokens;
            var sequence = reference.BatchSlice("last_hidden_state", 0, 0);
            var expected = new float[t * v];
            for (int i = 0; i < t; i++)
            {
                var h = Enumerable.Range(0, c).Select(o => transformBias[o] + Enumerable.Range(0, c).Sum(k => (double)transform[o * c + k] * sequence[i * c + k])).ToArray();
                h = h.Select(x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)))).ToArray();
                double mean = h.Average(), variance = h.Select(x => (x - mean) * (x - mean)).Average();
                var n = h.Select((x, k) => (x - mean) / Math.Sqrt(variance + 1e-12) * gamma[k] + beta[k]).ToArray();
                for (int o = 0; o < v; o++)
                    expected[i * v + o] = (float)(bias[o] + Enumerable.Range(0, c).Sum(k => n[k] * embedding[o * c + k]));
            }
            TensorAssert.Close("distilbert mlm logits", expected, result.Logits, Atol, t, v);
        }
    }

    /// <summary>erf: its Maclaurin series for |x| ≤ 3 (terms stay below 10², so double keeps ~1e-13),
    /// beyond that 1 − erfc(x) with erfc's asymptotic series (relative error below 1e-3 of erfc(3) ≈ 2e-5).</summary>
    private static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z > 3)
        {
            double inv = 1 / (2 * z * z);
            double erfc = Math.Exp(-z * z) / (z * Math.Sqrt(Math.PI)) * (1 - inv + 3 * inv * inv - 15 * inv * inv * inv);
            return Math.Sign(x) * (1 - erfc);
        }
        double sum = 0, term = x;
        for (int n = 0; n < 60; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
