using AttentionLens.Analysis;
using AttentionLens.Flow;
using AttentionLens.Models;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Long inputs keep per-head attention per layer in half precision and value outputs only as their
/// Grams (<see cref="AttentionStore"/>, <see cref="ForwardOptions.CaptureValueGram"/>, chosen by
/// <see cref="AttentionPlan.For"/>). On the golden Llama and GPT-2 checkpoints, with that path
/// forced on a short input (<see cref="AnalysisOptions.AttentionStorage"/>), every method is compared
/// with the exact float32 path; the tolerances follow from half precision's rounding of a probability
/// p ∈ [0, 1]: |p̃ − p| ≤ ε·p + η with ε = 2⁻¹¹ (11 significant bits) and η = 2⁻²⁵ (half the
/// subnormal spacing 2⁻²⁴). Each test prints its worst difference.
/// </summary>
public class CompactAttentionTests(ITestOutputHelper output)
{
    private const double Eps = 1.0 / 2048, Eta = 1.0 / (1 << 25);

    private static ITransformerModel Load(string folder) => ModelLoader.Load(SharedData.Path("golden", "hf", folder));

    private static ForwardInput Input(ITransformerModel model, int tokens = 24) =>
        new(Enumerable.Range(0, tokens).Select(i => (i * 29 + 1) % model.Info.VocabSize).ToArray());

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Half_precision_storage_rounds_each_probability_and_changes_nothing_else(string folder)
    {
        var model = Load(folder);
        var input = Input(model);
        var exact = model.Forward(input, new ForwardOptions { ComputeLogits = false });
        var half = model.Forward(input, new ForwardOptions { ComputeLogits = false, AttentionStorage = AttentionStorage.Float16 });
        Assert.Equal(AttentionStorage.Float16, half.AttentionStore.Storage);
        Assert.Null(half.AttentionStore.Flat);
        Assert.Contains("AttentionStore", Assert.Throws<AttentionLensException>(() => half.Attentions).Message);
        int L = exact.Layers, H = exact.Heads, T = exact.Tokens, tt = T * T;
        var head = new float[tt];
        double worst = 0;
        for (int l = 0; l < L; l++)
            for (int h = 0; h < H; h++)
            {
                half.AttentionStore.ReadHead(l, h, head);
                for (int e = 0; e < tt; e++)
                {
                    float p = exact.Attentions[(l * H + h) * tt + e];
                    // Round to nearest of the very same float32 probability: bit for bit.
                    Assert.Equal((float)(Half)p, head[e]);
                    double d = Math.Abs(head[e] - p);
                    Assert.True(d <= Eps * p + Eta, $"{folder} layer {l} head {h} entry {e}: |{head[e]} − {p}| = {d:E3} exceeds 2⁻¹¹·p + 2⁻²⁵");
                    worst = Math.Max(worst, d);
                }
            }
        output.WriteLine($"{folder}: worst |p̃ − p| = {worst:E3} over {L * H * tt} probabilities");
        Assert.Equal(exact.HiddenStates, half.HiddenStates);
        var row = new float[T];
        half.AttentionStore.ReadRow(L - 1, H - 1, T - 1, row);
        Assert.Equal(head.AsSpan((T - 1) * T, T).ToArray(), row);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Value_grams_give_the_norms_that_the_value_outputs_give(string folder)
    {
        var model = Load(folder);
        var input = Input(model);
        var full = model.Forward(input, new ForwardOptions { ComputeLogits = false, CaptureValueOutputs = true });
        var grams = model.Forward(input, new ForwardOptions { ComputeLogits = false, CaptureValueOutputs = true, CaptureValueGram = true });
        Assert.Null(grams.ValueOutputs);
        Assert.NotNull(grams.ValueGram);
        var shape = AttentionShape.Create(full.Layers, full.Heads, full.Tokens);
        var expected = ValueWeightedAttention.Compute<float>(full.Attentions, full.ValueOutputs, shape, full.Hidden);
        var actual = ValueWeightedAttention.FromGram(new StoredHeadAttention(grams.AttentionStore), grams.ValueGram);
        // Same attention; the Grams' dot products only add in another order (Vector<double> lanes).
        Relative(expected.Norms, actual.Norms, 1e-12, $"{folder} norms");
        Relative(expected.HeadValueNorms, actual.HeadValueNorms, 1e-12, $"{folder} head value norms");
        Relative(expected.Received, actual.Received, 1e-12, $"{folder} received");
        Relative(expected.Emitted, actual.Emitted, 1e-12, $"{folder} emitted");
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void The_long_input_path_matches_the_exact_one_within_half_precision(string folder)
    {
        var model = Load(folder);
        var input = Input(model);
        var methods = new HashSet<AnalysisMethod> { AnalysisMethod.Attention, AnalysisMethod.Rollout, AnalysisMethod.Flow, AnalysisMethod.Influence, AnalysisMethod.ValueNorms };
        var exact = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = methods });
        var compact = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = methods, AttentionStorage = AttentionStorage.Float16 });
        Assert.NotNull(exact.Forward!.AttentionStore.Flat);
        Assert.Equal(AttentionStorage.Float16, compact.Forward!.AttentionStore.Storage);
        Assert.NotNull(compact.Forward.ValueGram);
        int L = exact.Layers, H = exact.Heads, T = exact.Tokens;
        var a = exact.Forward.Attentions;

        // Raw attention: a mean of rounded probabilities, |Δ| ≤ ε·a + η.
        Bounded(exact.Attention!, compact.Attention!, i => Eps * exact.Attention![i] + Eta, $"{folder} attention");
        // Each layer's Â = (Ā + I)/2, rows stochastic: ‖ΔÂ_l‖∞ ≤ ε + T·η, and a product of L row-stochastic
        // matrices moves by at most the sum of their moves (‖Π(Â+Δ) − ΠÂ‖∞ ≤ Σ_l ‖Δ_l‖∞).
        Bounded(exact.Rollout.Data, compact.Rollout.Data, _ => L * (Eps + T * Eta) + 1e-12, $"{folder} rollout");
        // Max-flow: every capacity moves by at most 2ε·c + η (the residual's renormalisation doubles ε),
        // so the min cut, and the flow, by at most 2ε·F + (arcs in a cut)·η ≤ 2ε·F + L·T²·η.
        Bounded(exact.Flow!.Raw, compact.Flow!.Raw, i => 2 * Eps * exact.Flow.Raw[i] + L * T * T * Eta + 1e-12, $"{folder} flow");
        // Influence counts probabilities ≥ τ: identical unless one lies within rounding of τ, which this input avoids.
        double tau = new AnalysisOptions().Tau;
        Assert.DoesNotContain(a, p => Math.Abs(p - tau) <= Eps * tau + Eta);
        Assert.Equal(exact.Influence!.Scores, compact.Influence!.Scores);
        Assert.Equal(exact.Influence.Counts.Data, compact.Influence.Counts.Data);
        output.WriteLine($"{folder} influence: identical ({exact.Influence.Edges.Count} traced edges)");
        // N[l][i, j] = ‖Σ_h a_h f_h(x_j)‖ moves by at most ‖Σ_h Δa_h f_h(x_j)‖ ≤ Σ_h (ε·a_h + η)·‖f_h(x_j)‖.
        var hn = exact.ValueNorms!.HeadValueNorms.Data;
        for (int l = 0; l < L; l++)
        {
            int layer = l;
            Bounded(exact.ValueNorms.Norms[l].Data, compact.ValueNorms!.Norms[l].Data, e =>
            {
                int i = e / T, j = e % T;
                double bound = 1e-12 * exact.ValueNorms.Norms[layer].Data[e];
                for (int h = 0; h < H; h++) bound += (Eps * a[((layer * H + h) * T + i) * T + j] + Eta) * hn[(layer * H + h) * T + j];
                return bound;
            }, $"{folder} value norms layer {l}");
        }
        Relative(hn, compact.ValueNorms!.HeadValueNorms.Data, 1e-12, $"{folder} head value norms");
    }

    /// <summary>Llama-3.2-1B's shape: 2,051 tokens run rollout, flow and influence (and value norms) in
    /// half precision per layer; ordinary inputs keep the exact float32 path; 4,096 tokens are refused
    /// before the model runs, saying how many fit and how to raise the budget; methods that read one
    /// float32 array are refused past it.</summary>
    [Fact]
    public void Llama_1b_shape_at_2051_tokens_plans_half_precision_and_4096_is_refused()
    {
        var info = Load("llama").Info with { Layers = 16, Heads = 32, HiddenSize = 2048 };
        var unlimited = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Flow, AnalysisMethod.Influence }, MaxTokens = 4096, AttentionMemoryLimitBytes = long.MaxValue };
        // A limit (the server's budget less the model) that admits 2,051 tokens with 64 MiB to spare; the
        // flow's working set grows with the cores (one solver each), so the limit is set from the estimate.
        long need2051 = AttentionPlan.For(unlimited, info, 2051).TotalBytes;
        var options = unlimited with { AttentionMemoryLimitBytes = need2051 + (64L << 20) };
        output.WriteLine($"2,051 tokens on {Environment.ProcessorCount} cores: {need2051 >> 20} MiB planned");
        var plan = Analyzer.ForwardOptionsFor(options, info, 2051);
        Assert.False(plan.HeadMeanAttention);
        Assert.Equal(AttentionStorage.Float16, plan.AttentionStorage);
        Assert.False(plan.CaptureValueOutputs);
        long half = 2L * 16 * 32 * 2051 * 2051;
        var planned = AttentionPlan.For(options, info, 2051);
        Assert.Equal(half + 4L * 32 * 2051 * 2051, planned.Bytes);
        Assert.Equal(AttentionPlan.WorkingSetBytes(info, 2051, flow: true), planned.WorkingBytes);
        Assert.True(planned.WorkingBytes > 0);

        var withNorms = unlimited with { Methods = new HashSet<AnalysisMethod>(options.Methods) { AnalysisMethod.ValueNorms } };
        var normsPlan = Analyzer.ForwardOptionsFor(withNorms, info, 2051);
        Assert.True(normsPlan.CaptureValueOutputs && normsPlan.CaptureValueGram);
        Assert.Equal(AttentionPlan.AttentionBytes(info, 2051, false, AttentionStorage.Float16, false) + 4L * 32 * 2051 * 2048 + 8L * 16 * 2051 * 32 * 32 + 2 * 8L * 16 * 2051 * 2051,
            AttentionPlan.For(withNorms, info, 2051).Bytes);

        var small = Analyzer.ForwardOptionsFor(withNorms, info, 64);
        Assert.Equal(AttentionStorage.Float32, small.AttentionStorage);
        Assert.False(small.CaptureValueGram);

        var e = Assert.Throws<AnalysisException>(() => Analyzer.ForwardOptionsFor(options, info, 4096));
        output.WriteLine(e.Message);
        Assert.Contains("4096 tokens need about", e.Message);
        Assert.Contains("--memory-budget-mb", e.Message);
        Assert.Contains("attentionLens.memoryBudgetMb", e.Message);
        var fits = int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, @"About (\d+) tokens fit").Groups[1].Value);
        long Need(int t) => AttentionPlan.AttentionBytes(info, t, false, AttentionStorage.Float16, false) + AttentionPlan.WorkingSetBytes(info, t, flow: true);
        Assert.True(Need(fits) <= options.AttentionMemoryLimitBytes);
        Assert.True(Need(fits + 1) > options.AttentionMemoryLimitBytes);
        Assert.Equal(AttentionStorage.Float16, Analyzer.ForwardOptionsFor(options, info, fits).AttentionStorage);
        // A larger limit (the server's budget less the model) admits 4,096 tokens.
        Assert.Equal(AttentionStorage.Float16, Analyzer.ForwardOptionsFor(options with { AttentionMemoryLimitBytes = Need(4096) }, info, 4096).AttentionStorage);

        var routes = options with { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, new("routes") } };
        var r = Assert.Throws<AnalysisException>(() => Analyzer.ForwardOptionsFor(routes, info, 2051));
        Assert.StartsWith("2051 tokens are too many for routes", r.Message);
        // Below one array they keep float32 as before, past PerHeadAttentionLimitBytes too (1,000 tokens: 2.1 GB).
        var thousand = Analyzer.ForwardOptionsFor(routes, info, 1000);
        Assert.Equal(AttentionStorage.Float32, thousand.AttentionStorage);
        Assert.False(thousand.HeadMeanAttention);
    }

    /// <summary>The per-head readers (<see cref="IHeadAttention"/>) over float32 storage give exactly what
    /// the flat-span algorithms give: same values, same order.</summary>
    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Reading_float32_attention_one_head_at_a_time_changes_nothing(string folder)
    {
        var model = Load(folder);
        var f = model.Forward(Input(model), new ForwardOptions { ComputeLogits = false });
        int L = f.Layers, H = f.Heads, T = f.Tokens;
        var shape = AttentionShape.Create(L, H, T);
        var heads = new StoredHeadAttention(f.AttentionStore);
        foreach (var options in new[] { new ReductionOptions(Causal: true), new ReductionOptions(HeadAggregate.Max, [2, 0], true, true) })
            Assert.Equal(LayeredAttention.FromAttention<float>(f.Attentions, shape, options).Data.ToArray(), LayeredAttention.FromHeads(heads, options).Data.ToArray());
        var spans = TracedGraph.Compute<float>(f.Attentions, shape, T - 1, 0.1, 0.9);
        var rows = TracedGraph.Compute(heads, T - 1, 0.1, 0.9);
        Assert.Equal(spans.Influence, rows.Influence);
        Assert.Equal(spans.Edges, rows.Edges);
        var a = new double[H * T];
        var b = new double[H * T];
        var norms = Enumerable.Range(0, L * H * T).Select(i => 1.0 + i % 7).ToArray();
        ValueWeightedAttention.WeightedHeadNorms<float>(f.Attentions, norms, shape, L - 1, T - 1, a);
        ValueWeightedAttention.WeightedHeadNorms(heads, norms, L - 1, T - 1, b);
        Assert.Equal(a, b);
    }

    /// <summary>Float32 past one array keeps one (H, T, T) array per layer (forced here on a small shape).</summary>
    [Fact]
    public void Float32_storage_past_one_array_keeps_a_layer_per_array()
    {
        int L = 3, H = 2, T = 5, size = H * T * T;
        var store = AttentionStore.Allocate(L, H, T, AttentionStorage.Float32, flatLimit: 0);
        Assert.Null(store.Flat);
        for (int l = 0; l < L; l++)
        {
            var layer = store.WritableLayer(l);
            for (int e = 0; e < size; e++) layer[e] = l * 1000 + e;
        }
        Assert.Equal(4L * L * size, store.Bytes);
        var head = new float[T * T];
        var row = new float[T];
        for (int l = 0; l < L; l++)
        {
            Assert.Equal(Enumerable.Range(0, size).Select(e => (float)(l * 1000 + e)), store.Layer(l).ToArray());
            store.ReadHead(l, 1, head);
            Assert.Equal(Enumerable.Range(T * T, T * T).Select(e => (float)(l * 1000 + e)), head);
            store.ReadRow(l, 1, 2, row);
            Assert.Equal(Enumerable.Range(T * T + 2 * T, T).Select(e => (float)(l * 1000 + e)), row);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadRow(0, 2, 0, row));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadHead(L, 0, head));
    }

    private void Bounded(double[] expected, double[] actual, Func<int, double> bound, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0, worstRatio = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]), b = bound(i);
            worst = Math.Max(worst, d);
            if (d > b && (at < 0 || d / b > worstRatio)) (at, worstRatio) = (i, d / b);
        }
        output.WriteLine($"{what}: worst |Δ| = {worst:E3}");
        Assert.True(at < 0, $"{what}: entry {at}: |{actual[Math.Max(at, 0)]} − {expected[Math.Max(at, 0)]}| exceeds its bound {bound(Math.Max(at, 0)):E3} ({worstRatio:F2}×)");
    }

    private void Relative(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), 1e-30);
            if (d > worst) (worst, at) = (d, i);
        }
        output.WriteLine($"{what}: worst relative difference {worst:E3} at {at}");
        Assert.True(worst <= tolerance, $"{what}: entry {at}: {actual[at]} vs {expected[at]}, relative {worst:E3} > {tolerance:E1}");
    }
}
