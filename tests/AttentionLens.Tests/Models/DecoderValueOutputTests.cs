using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Value outputs f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h (Kobayashi et al. 2020, eq. 6) of the decoder
/// families whose value weights are laid out differently — GPT-NeoX's per-head interleaved
/// query_key_value, Phi-3's fused qkv_proj, Gemma 2's soft-capped attention with head_dim ≠ C / H —
/// against the definition computed in double from the stored weights, x rebuilt from the
/// transformers reference hidden states.
/// </summary>
public sealed class DecoderValueOutputTests
{
    private static (ForwardResult Result, float[] Hidden, int T, ModelInfo Info, WeightStore Store) Run(string folder)
    {
        string path = Path.Combine(DecoderGoldenTests.Root, folder);
        var model = ModelLoader.Load(path);
        using var reference = new ReferenceCase(Path.Combine(path, "reference", "single.safetensors"));
        var result = model.Forward(new ForwardInput(reference.InputRow("input.input_ids", 0)!), new ForwardOptions { CaptureValueOutputs = true });
        return (result, reference.BatchSlice("hidden_states", 0, 1), reference.Tokens, model.Info, WeightStore.Open(path));
    }

    private static void AssertLayer(ForwardResult result, int layer, float[] expected, string what)
    {
        int n = result.Heads * result.Tokens * result.Hidden;
        TensorAssert.Close(what, expected, result.ValueOutputs.AsSpan(layer * n, n), 1e-4, result.Heads, result.Tokens, result.Hidden);
    }

    private static Func<double[], double[]> Rms(float[] gain, double eps, bool unitOffset) => x =>
    {
        double inv = 1 / Math.Sqrt(x.Select(v => v * v).Average() + eps);
        return x.Select((v, i) => v * inv * (unitOffset ? 1 + gain[i] : gain[i])).ToArray();
    };

    [Fact]
    public void GptNeoXInterleavedValueOutputsMatchTheDefinition()
    {
        var (result, hidden, t, info, store) = Run("gpt_neox");
        int c = info.HiddenSize, d = info.HeadDim;
        for (int l = 0; l < info.Layers; l++)
        {
            var p = $"gpt_neox.layers.{l}.";
            float[] g = ValueOutputTests.W(store, p + "input_layernorm.weight"), b = ValueOutputTests.W(store, p + "input_layernorm.bias");
            float[] w = ValueOutputTests.W(store, p + "attention.query_key_value.weight"), bias = ValueOutputTests.W(store, p + "attention.query_key_value.bias");
            float[] wo = ValueOutputTests.W(store, p + "attention.dense.weight");
            double[] LayerNorm(double[] x)
            {
                double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
                return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + 1e-5) * g[i] + b[i]).ToArray();
            }
            // Output row of value feature r = h·D + e is h·3D + 2D + e (view(T, H, 3D)).
            int Row(int r) => r / d * 3 * d + 2 * d + r % d;
            var expected = ValueOutputTests.Expected(ValueOutputTests.Rows(hidden, l, t, c, LayerNorm), info.Heads, info.Heads, d, c,
                (r, k) => w[Row(r) * c + k], r => bias[Row(r)], (o, i) => wo[o * c + i]);
            AssertLayer(result, l, expected, $"gpt_neox layer {l} value outputs");
        }
    }

    [Fact]
    public void Phi3FusedValueOutputsMatchTheDefinition()
    {
        var (result, hidden, t, info, store) = Run("phi3");
        int c = info.HiddenSize, d = info.HeadDim, h = info.Heads, kv = info.KeyValueHeads;
        for (int l = 0; l < info.Layers; l++)
        {
            var p = $"model.layers.{l}.";
            float[] g = ValueOutputTests.W(store, p + "input_layernorm.weight"), w = ValueOutputTests.W(store, p + "self_attn.qkv_proj.weight");
            float[] wo = ValueOutputTests.W(store, p + "self_attn.o_proj.weight");
            var expected = ValueOutputTests.Expected(ValueOutputTests.Rows(hidden, l, t, c, Rms(g, 1e-5, false)), h, kv, d, c,
                (r, k) => w[((h + kv) * d + r) * c + k], _ => 0, (o, i) => wo[o * h * d + i]);
            AssertLayer(result, l, expected, $"phi3 layer {l} value outputs");
        }
    }

    [Fact]
    public void Gemma2SoftCappedValueOutputsMatchTheDefinition()
    {
        var (result, hidden, t, info, store) = Run("gemma2");
        int c = info.HiddenSize, d = info.HeadDim, h = info.Heads, kv = info.KeyValueHeads;
        Assert.NotEqual(c / h, d);
        for (int l = 0; l < info.Layers; l++)
        {
            var p = $"model.layers.{l}.";
            float[] g = ValueOutputTests.W(store, p + "input_layernorm.weight"), wv = ValueOutputTests.W(store, p + "self_attn.v_proj.weight");
            float[] wo = ValueOutputTests.W(store, p + "self_attn.o_proj.weight");
            var expected = ValueOutputTests.Expected(ValueOutputTests.Rows(hidden, l, t, c, Rms(g, 1e-6, true)), h, kv, d, c,
                (r, k) => wv[r * c + k], _ => 0, (o, i) => wo[o * h * d + i]);
            AssertLayer(result, l, expected, $"gemma2 layer {l} value outputs");
        }
    }
}
