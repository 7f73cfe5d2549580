using AttentionLens.Analysis;
using AttentionLens.Checkpoints;
using AttentionLens.Flow;
using AttentionLens.Models;
using AttentionLens.Tests.Flow;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Value-weighted norms (§7) against a direct computation from the tiny models' checkpoints and the
/// transformers reference hidden states: f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h computed here from the
/// weight slices, with x_j the attention block's input (BERT: the layer input; Llama: the RMS-normed
/// layer input), then N[l][i, j] = ‖Σ_h A[l,h][i, j] f_h(x_j)‖ with the reference attentions.
/// </summary>
public class ValueNormGoldenTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("bert")]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void ValueOutputsAndNormsMatchDirectComputation(string name)
    {
        var dir = SharedData.Path("golden", "hf", name);
        using var weights = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors"));
        using var reference = SafetensorsFile.Open(Path.Combine(dir, "reference", "single.safetensors"));
        var model = ModelLoader.Load(dir);
        var info = model.Info;
        var ids = reference.ReadInt64("input.input_ids").Select(v => (int)v).ToArray();
        int T = ids.Length, L = info.Layers, H = info.Heads, Hkv = info.KeyValueHeads, D = info.HeadDim, C = info.HiddenSize;
        var hidden = reference.ReadFloat32("hidden_states");   // [L+1, 1, T, C]
        var attentions = reference.ReadFloat32("attentions");  // [L, 1, H, T, T]
        var expectedF = new double[L * H * T * C];
        for (int l = 0; l < L; l++)
        {
            var x = AttentionInput(name, weights, hidden.AsSpan(l * T * C, T * C), l, T, C);
            var (wv, bv, wo, oIn) = Projections(name, weights, l, C, Hkv * D);
            for (int h = 0; h < H; h++)
            {
                int kv = h * Hkv / H;
                for (int j = 0; j < T; j++)
                {
                    var v = new double[D];
                    for (int d = 0; d < D; d++)
                    {
                        int row = kv * D + d;
                        double s = bv is null ? 0 : bv[row];
                        for (int c = 0; c < C; c++) s += x[j * C + c] * wv(row, c);
                        v[d] = s;
                    }
                    for (int c = 0; c < C; c++)
                    {
                        double s = 0;
                        for (int d = 0; d < D; d++) s += v[d] * wo(c, h * D + d);
                        expectedF[((l * H + h) * T + j) * C + c] = s;
                    }
                }
            }
        }
        var forward = model.Forward(new ForwardInput(ids), new ForwardOptions { CaptureValueOutputs = true });
        Assert.NotNull(forward.ValueOutputs);
        AssertRelClose(expectedF, forward.ValueOutputs!.Select(v => (double)v).ToArray(), $"{name} f_h(x_j)");

        var shape = AttentionShape.Create(L, H, T);
        var expected = ValueWeightedAttention.Compute<double>(attentions.Select(v => (double)v).ToArray(), expectedF, shape, C);
        var analysis = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.ValueNorms } });
        var actualN = analysis.ValueNorms!.Norms.SelectMany(m => m.Data).ToArray();
        AssertRelClose(expected.Norms, actualN, $"{name} N");
        AssertRelClose(expected.HeadValueNorms, analysis.ValueNorms.HeadValueNorms.Data, $"{name} ‖f_h(x_j)‖");
        AssertRelClose(expected.Received, analysis.ValueNorms.Received.Data, $"{name} received");
        AssertRelClose(expected.Emitted, analysis.ValueNorms.Emitted.Data, $"{name} emitted");
    }

    private static void AssertRelClose(double[] expected, double[] actual, string what)
    {
        double scale = Math.Max(1, expected.Max(Math.Abs));
        ArrayAssert.Close(expected, actual, Tolerance * scale, what + $" (atol {Tolerance} × max |value| {scale:G3})");
    }

    // The vector each head's value projection reads: BERT's layer input; Llama's RMSNorm(x)·γ;
    // GPT-2's LayerNorm(x)·γ + β (ln_1).
    private static double[] AttentionInput(string name, SafetensorsFile w, ReadOnlySpan<float> h, int l, int T, int C)
    {
        var x = new double[T * C];
        for (int k = 0; k < x.Length; k++) x[k] = h[k];
        if (name == "bert") return x;
        if (name == "llama")
        {
            var g = w.ReadFloat32($"model.layers.{l}.input_layernorm.weight");
            for (int t = 0; t < T; t++)
            {
                double ms = 0;
                for (int c = 0; c < C; c++) ms += x[t * C + c] * x[t * C + c];
                double inv = 1 / Math.Sqrt(ms / C + 1e-6);
                for (int c = 0; c < C; c++) x[t * C + c] = x[t * C + c] * inv * g[c];
            }
            return x;
        }
        var gamma = w.ReadFloat32(Key(w, $"h.{l}.ln_1.weight"));
        var beta = w.ReadFloat32(Key(w, $"h.{l}.ln_1.bias"));
        for (int t = 0; t < T; t++)
        {
            double mean = 0, var = 0;
            for (int c = 0; c < C; c++) mean += x[t * C + c];
            mean /= C;
            for (int c = 0; c < C; c++) var += (x[t * C + c] - mean) * (x[t * C + c] - mean);
            double inv = 1 / Math.Sqrt(var / C + 1e-5);
            for (int c = 0; c < C; c++) x[t * C + c] = (x[t * C + c] - mean) * inv * gamma[c] + beta[c];
        }
        return x;
    }

    // W_V as (row = value unit, col = input), b_V, W_O as (row = output, col = head unit).
    private static (Func<int, int, double> Wv, float[]? Bv, Func<int, int, double> Wo, int OIn) Projections(string name, SafetensorsFile w, int l, int C, int kvWidth)
    {
        if (name == "bert")
        {
            var wv = w.ReadFloat32($"encoder.layer.{l}.attention.self.value.weight");
            var wo = w.ReadFloat32($"encoder.layer.{l}.attention.output.dense.weight");
            return ((r, c) => wv[r * C + c], w.ReadFloat32($"encoder.layer.{l}.attention.self.value.bias"), (r, c) => wo[r * C + c], C);
        }
        if (name == "llama")
        {
            var wv = w.ReadFloat32($"model.layers.{l}.self_attn.v_proj.weight");
            var wo = w.ReadFloat32($"model.layers.{l}.self_attn.o_proj.weight");
            int oIn = wo.Length / C;
            return ((r, c) => wv[r * C + c], null, (r, c) => wo[r * oIn + c], oIn);
        }
        // GPT-2 Conv1D weights are (in × out); c_attn's value block is output columns 2C..3C.
        var attn = w.ReadFloat32(Key(w, $"h.{l}.attn.c_attn.weight"));
        var bias = w.ReadFloat32(Key(w, $"h.{l}.attn.c_attn.bias"));
        var proj = w.ReadFloat32(Key(w, $"h.{l}.attn.c_proj.weight"));
        return ((r, c) => attn[c * 3 * C + 2 * C + r], bias.AsSpan(2 * C, C).ToArray(), (r, c) => proj[c * C + r], C);
    }

    private static string Key(SafetensorsFile w, string suffix) =>
        w.Tensors.ContainsKey(suffix) ? suffix : "transformer." + suffix;
}
