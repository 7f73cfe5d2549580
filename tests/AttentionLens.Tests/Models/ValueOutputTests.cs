using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// ValueOutputs (L, H, T, C) against f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h (Kobayashi et al. 2020,
/// eq. 6) computed here in double straight from the stored weights, with x the layer's attention
/// input rebuilt from the transformers reference hidden states (BERT: the hidden state itself;
/// GPT-2: ln_1 of it; Llama: input_layernorm of it, with GQA head h reading kv head h / (H / H_kv)).
/// </summary>
public sealed class ValueOutputTests
{
    private const double Atol = 1e-4;

    internal static float[] W(WeightStore store, string name) => store.Get(name, store.ShapeOf(name)!.Select(d => (int)d).ToArray()).ToArray();

    /// <param name="x">(T, C) attention input.</param>
    /// <param name="value">(T, Hkv·D) → value row of token j, kv head g, dim d.</param>
    /// <param name="outWeight">returns W_O[c, h·D + d].</param>
    internal static float[] Expected(double[][] x, int heads, int kvHeads, int headDim, int hidden,
        Func<int, int, double> valueWeight, Func<int, double> valueBias, Func<int, int, double> outWeight)
    {
        int t = x.Length;
        var result = new float[heads * t * hidden];
        for (int h = 0; h < heads; h++)
        {
            int g = h / (heads / kvHeads);
            for (int j = 0; j < t; j++)
            {
                var v = new double[headDim];
                for (int d = 0; d < headDim; d++)
                {
                    double s = valueBias(g * headDim + d);
                    for (int k = 0; k < hidden; k++) s += x[j][k] * valueWeight(g * headDim + d, k);
                    v[d] = s;
                }
                for (int c = 0; c < hidden; c++)
                {
                    double s = 0;
                    for (int d = 0; d < headDim; d++) s += v[d] * outWeight(c, h * headDim + d);
                    result[(h * t + j) * hidden + c] = (float)s;
                }
            }
        }
        return result;
    }

    private static (ForwardResult Result, float[] Hidden, int T, ModelInfo Info) Run(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        using var reference = new ReferenceCase(SharedData.Path("golden", "hf", folder, "reference", "single.safetensors"));
        var result = model.Forward(new ForwardInput(reference.InputRow("input.input_ids", 0)!), new ForwardOptions { CaptureValueOutputs = true });
        return (result, reference.BatchSlice("hidden_states", 0, 1), reference.Tokens, model.Info);
    }

    internal static double[][] Rows(float[] hidden, int layer, int t, int c, Func<double[], double[]> norm) =>
        Enumerable.Range(0, t).Select(j => norm(hidden.Skip((layer * t + j) * c).Take(c).Select(v => (double)v).ToArray())).ToArray();

    private static void AssertLayer(ForwardResult result, int layer, float[] expected, string what)
    {
        int n = result.Heads * result.Tokens * result.Hidden;
        TensorAssert.Close(what, expected, result.ValueOutputs.AsSpan(layer * n, n), Atol, result.Heads, result.Tokens, result.Hidden);
    }

    [Fact]
    public void BertValueOutputsMatchTheDefinition()
    {
        var (result, hidden, t, info) = Run("bert");
        var store = WeightStore.Open(SharedData.Path("golden", "hf", "bert"));
        int c = info.HiddenSize, d = info.HeadDim;
        for (int l = 0; l < info.Layers; l++)
        {
            var p = $"encoder.layer.{l}.attention.";
            float[] wv = W(store, p + "self.value.weight"), bv = W(store, p + "self.value.bias"), wo = W(store, p + "output.dense.weight");
            var expected = Expected(Rows(hidden, l, t, c, x => x), info.Heads, info.Heads, d, c,
                (r, k) => wv[r * c + k], r => bv[r], (o, i) => wo[o * c + i]);
            AssertLayer(result, l, expected, $"bert layer {l} value outputs");
        }
    }

    [Fact]
    public void Gpt2ValueOutputsMatchTheDefinition()
    {
        var (result, hidden, t, info) = Run("gpt2");
        var store = WeightStore.Open(SharedData.Path("golden", "hf", "gpt2"));
        int c = info.HiddenSize, d = info.HeadDim;
        for (int l = 0; l < info.Layers; l++)
        {
            var p = $"transformer.h.{l}.";
            float[] g = W(store, p + "ln_1.weight"), b = W(store, p + "ln_1.bias");
            float[] wqkv = W(store, p + "attn.c_attn.weight"), bqkv = W(store, p + "attn.c_attn.bias"), wo = W(store, p + "attn.c_proj.weight");
            double[] LayerNorm(double[] x)
            {
                double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
                return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + 1e-5) * g[i] + b[i]).ToArray();
            }
            // Conv1D weights are (in × out); value features are columns 2C.. of c_attn.
            var expected = Expected(Rows(hidden, l, t, c, LayerNorm), info.Heads, info.Heads, d, c,
                (r, k) => wqkv[k * 3 * c + 2 * c + r], r => bqkv[2 * c + r], (o, i) => wo[i * c + o]);
            AssertLayer(result, l, expected, $"gpt2 layer {l} value outputs");
        }
    }

    [Fact]
    public void LlamaGroupedQueryValueOutputsMatchTheDefinition()
    {
        var (result, hidden, t, info) = Run("llama");
        Assert.True(info.KeyValueHeads < info.Heads);
        var store = WeightStore.Open(SharedData.Path("golden", "hf", "llama"));
        int c = info.HiddenSize, d = info.HeadDim;
        for (int l = 0; l < info.Layers; l++)
        {
            var p = $"model.layers.{l}.";
            float[] g = W(store, p + "input_layernorm.weight"), wv = W(store, p + "self_attn.v_proj.weight"), wo = W(store, p + "self_attn.o_proj.weight");
            double[] Rms(double[] x)
            {
                double inv = 1 / Math.Sqrt(x.Select(v => v * v).Average() + 1e-6);
                return x.Select((v, i) => v * inv * g[i]).ToArray();
            }
            var expected = Expected(Rows(hidden, l, t, c, Rms), info.Heads, info.KeyValueHeads, d, c,
                (r, k) => wv[r * c + k], _ => 0, (o, i) => wo[o * info.Heads * d + i]);
            AssertLayer(result, l, expected, $"llama layer {l} value outputs");
        }
    }

    [Fact]
    public void ValueOutputsAreAbsentUnlessRequested()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        Assert.Null(model.Forward(new ForwardInput([2, 5, 7, 3])).ValueOutputs);
    }
}
