using System.Text.Json;
using AttentionLens.Checkpoints;
using AttentionLens.Models;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Models;

/// <summary>
/// The kept-intermediates path (<see cref="GradientOptions.KeptActivationsBudgetBytes"/>, <see cref="IBatchedDifferentiableBody"/>)
/// and the batched path points (<see cref="GradientOptions.PathInputsEmbeds"/>) against per-layer recompute one
/// sequence at a time (budget 0), on every golden model of tests/goldens/gradients (whose recompute path
/// <see cref="GradientGoldenTests.RecomputedGradientMatchesAutograd"/> checks against PyTorch autograd): value,
/// ∂y/∂inputs_embeds, attentions and ∂y/∂attentions within 1e-5 of the recompute tensor's largest magnitude. The
/// worst relative difference is printed for every case.
/// </summary>
public sealed class BatchedGradientTests(ITestOutputHelper output)
{
    private const double RelativeTolerance = 1e-5;

    /// <summary>Golden models whose body keeps its intermediates (the rest must still take the recompute path).</summary>
    public static readonly string[] Batched =
    [
        "gpt2", "gpt2_fp16", "gpt2_demo", "gpt2_seqcls", "gpt2_tokcls", "gpt2_qa", "gpt2_padded",
        "bert_mlm", "bert_mlm_small", "bert_seqcls", "bert_tokcls", "bert_qa", "bert_demo", "bert_seqcls_padded",
        "roberta_mlm", "roberta_seqcls", "xlm_roberta_tokcls",
        "electra_seqcls", "electra_mlm", "distilbert_mlm", "distilbert_seqcls", "distilbert_qa",
        "albert_mlm", "albert_seqcls", "albert_qa",
        "llama", "llama_bf16", "stories260K", "llama_seqcls", "llama_tokcls", "llama_qa", "mistral", "qwen2", "llama_padded",
        "gemma", "gemma_tokcls", "phi3", "phi3_longrope", "olmo2", "phi", "phi_seqcls",
        "gpt_neox", "gpt_neox_sequential", "gpt_neox_qa", "gemma2", "gemma2_seqcls",
        "opt", "opt_post_ln_proj", "opt_seqcls", "opt_qa",
        "deberta_v2_mlm", "deberta_v2_seqcls", "deberta_v2_tokcls", "deberta_v2_qa", "deberta_v2_tokcls_padded",
    ];

    private static readonly Lazy<JsonElement> Manifest = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(GradientGoldenTests.Root, "manifest.json"))).RootElement.GetProperty("models").Clone());

    public static TheoryData<string> Models() => new(GradientGoldenTests.Implemented);

    [Theory]
    [MemberData(nameof(Models))]
    public void KeptIntermediatesEqualRecompute(string name)
    {
        var (model, input, target, embeds) = Case(name);
        var recomputed = model.Gradient(input, target, new GradientOptions { KeptActivationsBudgetBytes = 0 });
        var kept = model.Gradient(input, target, new GradientOptions());
        Assert.Equal(0, recomputed.BatchSize);
        Assert.Equal(Batched.Contains(name) ? 1 : 0, kept.BatchSize);
        int l = recomputed.Layers, h = recomputed.Heads, t = recomputed.Tokens;
        double worst = Math.Max(RelativeWorst(name, "value", [recomputed.Value], [kept.Value]),
            RelativeWorst(name, "grad_inputs_embeds", recomputed.GradInputsEmbeds, kept.GradInputsEmbeds));
        worst = Math.Max(worst, RelativeWorst(name, "attentions", recomputed.Attentions!, kept.Attentions!));
        worst = Math.Max(worst, RelativeWorst(name, "grad_attentions", recomputed.GradAttentions!, kept.GradAttentions!));
        Assert.Equal(l * h * t * t, kept.GradAttentions!.Length);
        output.WriteLine($"{name}: kept (batch {kept.BatchSize}) vs recompute, worst relative difference {worst:G3}");
    }

    /// <summary>Three path points (0.25, 0.6 and 1 × the input's embeddings) at most two per batch — a full batch and
    /// a short one — against one recompute pass each.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void PathPointsEqualOneAtATime(string name)
    {
        var (model, input, target, embeds) = Case(name);
        float[][] points = [.. new[] { 0.25f, 0.6f, 1f }.Select(a => embeds.Select(v => v * a).ToArray())];
        var batched = model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, MaxBatch = 2 });
        var sequential = model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, KeptActivationsBudgetBytes = 0 });
        Assert.Equal(Batched.Contains(name) ? 2 : 0, batched.BatchSize);
        Assert.Equal(0, sequential.BatchSize);
        Assert.Equal(points.Length, batched.Points!.Count);
        double worst = 0;
        for (int i = 0; i < points.Length; i++)
        {
            var one = model.Gradient(input, target, new GradientOptions { InputsEmbeds = points[i], AttentionGradients = false, KeptActivationsBudgetBytes = 0 });
            worst = Math.Max(worst, RelativeWorst(name, $"point {i} value", [one.Value], [batched.Points[i].Value]));
            worst = Math.Max(worst, RelativeWorst(name, $"point {i} grad_inputs_embeds", one.GradInputsEmbeds, batched.Points[i].GradInputsEmbeds));
            Assert.Equal(one.GradInputsEmbeds, sequential.Points![i].GradInputsEmbeds);
        }
        // The interface's path entry point (default MaxBatch: all three in one batch) gives the same as the option.
        var viaPath = model.GradientPath(input, target, points);
        for (int i = 0; i < points.Length; i++)
            worst = Math.Max(worst, RelativeWorst(name, $"point {i} GradientPath", sequential.Points![i].GradInputsEmbeds, viaPath[i].GradInputsEmbeds));
        output.WriteLine($"{name}: 3 path points in batches of {batched.BatchSize} vs one recompute pass each, worst relative difference {worst:G3}");
    }

    [Fact]
    public void PathPointsRefuseAttentionGradients()
    {
        var (model, input, target, embeds) = Case("bert_seqcls");
        var e = Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = [embeds] }));
        Assert.Contains("AttentionGradients", e.Message);
        e = Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = [embeds, embeds[..^1]], AttentionGradients = false }));
        Assert.Contains("PathInputsEmbeds", e.Message);
    }

    /// <summary>The budget decides: one byte short of nothing takes the recompute path, a large one the batch.</summary>
    [Fact]
    public void BudgetChoosesThePath()
    {
        var (model, input, target, embeds) = Case("gpt2");
        float[][] points = [embeds, embeds, embeds, embeds, embeds];
        Assert.Equal(0, model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, KeptActivationsBudgetBytes = 1 }).BatchSize);
        Assert.Equal(5, model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, MaxBatch = 64 }).BatchSize);
        Assert.Equal(3, model.Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, MaxBatch = 3 }).BatchSize);
    }

    private static (IDifferentiableModel Model, ForwardInput Input, GradientTarget Target, float[] Embeds) Case(string name)
    {
        var entry = Manifest.Value.GetProperty(name);
        var target = entry.GetProperty("targets").EnumerateArray().First();
        var model = (IDifferentiableModel)ModelLoader.Load(Path.GetFullPath(Path.Combine(SharedData.RepositoryRoot, entry.GetProperty("dir").GetString()!)));
        using var golden = SafetensorsFile.Open(Path.Combine(GradientGoldenTests.Root, name + ".safetensors"));
        var ids = golden.ReadInt64("input_ids").Select(v => checked((int)v)).ToArray();
        int[]? mask = golden.Tensors.ContainsKey("attention_mask") ? golden.ReadInt64("attention_mask").Select(v => (int)v).ToArray() : null;
        var gradientTarget = new GradientTarget(
            Enum.Parse<GradientOutput>(target.GetProperty("output").GetString()!),
            target.GetProperty("position").GetInt32(),
            target.GetProperty("index").GetInt32(),
            target.GetProperty("contrast").ValueKind == JsonValueKind.Null ? null : target.GetProperty("contrast").GetInt32(),
            target.GetProperty("log_probability").GetBoolean());
        return (model, new ForwardInput(ids, AttentionMask: mask), gradientTarget, golden.ReadFloat32("inputs_embeds"));
    }

    /// <summary>max |a − e| / max |e| (the tolerance's scale); fails above 1e-5 with where.</summary>
    private static double RelativeWorst(string name, string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(expected.Max(v => Math.Abs((double)v)), 1e-30), worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (!(d <= worst)) (worst, at) = (double.IsNaN(d) ? double.PositiveInfinity : d, i);
        }
        Assert.True(worst <= RelativeTolerance * scale,
            $"{name} {what}: worst |diff| {worst:G4} at {at} (recompute {expected[at]:G9}, kept {actual[at]:G9}) > 1e-5 × {scale:G4}");
        return worst / scale;
    }
}
