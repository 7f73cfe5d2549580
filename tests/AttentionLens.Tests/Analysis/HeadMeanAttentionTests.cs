using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Long inputs keep attention as head means (<see cref="ForwardOptions.HeadMeanAttention"/>, chosen by
/// the analyzer above <see cref="AnalysisOptions.PerHeadAttentionLimitBytes"/>): the forward's
/// (L, 1, T, T) block is the mean of its per-head (L, H, T, T) attention, and rollout, flow and the
/// last-layer attention of an analysis through head means equal those through every head within
/// 1e-5 (float summation order only), on the golden Llama and GPT-2 checkpoints; analyses that read
/// single heads (influence) keep every head.
/// </summary>
public class HeadMeanAttentionTests
{
    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void The_forward_keeps_the_mean_of_the_heads(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        var input = new ForwardInput(Enumerable.Range(0, 30).Select(i => (i * 17 + 3) % model.Info.VocabSize).ToArray());
        var full = model.Forward(input, new ForwardOptions { ComputeLogits = false });
        var mean = model.Forward(input, new ForwardOptions { ComputeLogits = false, HeadMeanAttention = true });
        int L = full.Layers, H = full.Heads, T = full.Tokens, tt = T * T;
        Assert.Equal(1, mean.Heads);
        Assert.Equal(L * tt, mean.Attentions.Length);
        var expected = new float[L * tt];
        for (int l = 0; l < L; l++)
            for (int i = 0; i < tt; i++)
            {
                double s = 0;
                for (int h = 0; h < H; h++) s += full.Attentions[(l * H + h) * tt + i];
                expected[l * tt + i] = (float)(s / H);
            }
        Tensors.KernelAssert.Close(expected, mean.Attentions, _ => 1e-6, $"{folder} head means");
        Assert.Equal(full.HiddenStates, mean.HiddenStates);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void An_analysis_through_head_means_matches_one_through_every_head(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        var input = new ForwardInput(Enumerable.Range(0, 24).Select(i => (i * 29 + 1) % model.Info.VocabSize).ToArray());
        var methods = new HashSet<AnalysisMethod> { AnalysisMethod.Attention, AnalysisMethod.Rollout, AnalysisMethod.Flow };
        var perHead = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = methods });
        var means = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = methods, PerHeadAttentionLimitBytes = 0 });
        Assert.Equal(perHead.Heads, means.Heads);
        Close(perHead.Rollout.Data, means.Rollout.Data, "rollout");
        Close(perHead.RolloutByLayer.Data, means.RolloutByLayer.Data, "rollout by layer");
        Close(perHead.Attention!, means.Attention!, "attention");
        Close(perHead.Flow!.Raw, means.Flow!.Raw, "flow");

        // Influence reads single heads: it keeps every head whatever the limit.
        var withInfluence = new HashSet<AnalysisMethod>(methods) { AnalysisMethod.Influence };
        var a = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = withInfluence });
        var b = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = withInfluence, PerHeadAttentionLimitBytes = 0 });
        Assert.Equal(a.Influence!.Scores, b.Influence!.Scores);

        void Close(double[] x, double[] y, string what) =>
            Tensors.KernelAssert.Close(x.Select(v => (float)v).ToArray(), y.Select(v => (float)v).ToArray(), _ => 1e-5, $"{folder} {what}");
    }

    /// <summary>Methods that read single heads from one float32 array (routes), past .NET's array limit
    /// (Llama-3.2-1B's 16 × 32 heads at 2,051 tokens), are refused before the model runs, naming the
    /// methods and what to do; head-mean methods still plan a pass (influence and value norms read the
    /// per-layer store: <see cref="CompactAttentionTests"/>).</summary>
    [Fact]
    public void Single_head_methods_past_the_array_limit_are_refused_with_a_clear_error()
    {
        var info = ModelLoader.Load(SharedData.Path("golden", "hf", "llama")).Info with { Layers = 16, Heads = 32 };
        var single = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, new("routes") } };
        var e = Assert.Throws<AnalysisException>(() => Analyzer.ForwardOptionsFor(single, info, 2051));
        Assert.Contains("routes", e.Message);
        Assert.Contains("fewer tokens", e.Message);
        Assert.DoesNotContain("rollout,", e.Message.Split(':')[0]);
        var means = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Flow } };
        Assert.True(Analyzer.ForwardOptionsFor(means, info, 2051).HeadMeanAttention);
    }
}
