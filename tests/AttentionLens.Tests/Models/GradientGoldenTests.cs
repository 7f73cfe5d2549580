using System.Collections.Concurrent;
using System.Text.Json;
using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// <see cref="IDifferentiableModel.Gradient"/> against PyTorch autograd through transformers (eager attention,
/// float32; tests/goldens/gradients/make_gradients.py): for every model of the manifest that implements the
/// backward pass and every target (logit, log-probability and contrast of the head's output; QA start and
/// end; a pass from 0.5 × inputs_embeds), the value, ∂y/∂inputs_embeds, the attentions and ∂y/∂attentions.
/// Tolerance: 1e-4 relative to the reference tensor's largest magnitude (1e-4 relative for the value).
/// </summary>
public sealed class GradientGoldenTests
{
    private const double RelativeTolerance = 1e-4;

    /// <summary>tests/goldens/gradients in the repository.</summary>
    public static string Root => Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "gradients");

    /// <summary>The manifest's models whose backward pass exists; the rest are listed in <see cref="NotYetDifferentiable"/>.</summary>
    public static readonly string[] Implemented =
    [
        "gpt2", "gpt2_fp16", "gpt2_demo", "gpt2_seqcls", "gpt2_tokcls", "gpt2_qa",
        "bert_mlm", "bert_mlm_small", "bert_seqcls", "bert_tokcls", "bert_qa", "bert_demo",
        "roberta_mlm", "roberta_seqcls", "xlm_roberta_tokcls",
        "llama", "llama_bf16", "stories260K", "llama_seqcls", "llama_tokcls", "llama_qa", "mistral", "qwen2",
        "electra_seqcls", "electra_mlm", "distilbert_mlm", "distilbert_seqcls", "distilbert_qa",
        "gpt_neox", "gpt_neox_sequential", "gpt_neox_qa", "phi", "phi_seqcls", "phi3", "phi3_longrope", "gemma", "gemma_tokcls", "olmo2",
        "opt", "opt_post_ln_proj", "opt_seqcls", "opt_qa", "gemma2", "gemma2_seqcls",
        "albert_mlm", "albert_seqcls", "albert_qa",
        "deberta_v2_mlm", "deberta_v2_seqcls", "deberta_v2_tokcls", "deberta_v2_qa",
        "gpt2_padded", "bert_seqcls_padded", "llama_padded", "deberta_v2_tokcls_padded",
    ];

    /// <summary>Goldens written for families whose backward pass is not there yet (they must load as not differentiable).</summary>
    public static readonly string[] NotYetDifferentiable =
    [
    ];

    private static readonly Lazy<JsonElement> Manifest = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json"))).RootElement.GetProperty("models").Clone());

    private static readonly ConcurrentDictionary<string, ITransformerModel> Models = new();

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Implemented)
            foreach (var target in Manifest.Value.GetProperty(name).GetProperty("targets").EnumerateArray())
                data.Add(name, target.GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void EveryGoldenIsClassified()
    {
        var names = Manifest.Value.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(names, Implemented.Concat(NotYetDifferentiable).Order().ToArray());
        foreach (var name in NotYetDifferentiable)
            Assert.False(Gradients.IsDifferentiable(Load(name)), $"{name} implements IDifferentiableModel: move it to Implemented.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientMatchesAutograd(string name, string targetName) => Check(name, targetName, GradientOptions.Default.KeptActivationsBudgetBytes);

    /// <summary>The same with no budget for kept intermediates: every family on per-layer recompute (the path
    /// BERT-base at 512 tokens and the 1B shape at 256 take by default).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void RecomputedGradientMatchesAutograd(string name, string targetName) => Check(name, targetName, 0);

    private static void Check(string name, string targetName, long keptBudget)
    {
        var entry = Manifest.Value.GetProperty(name);
        var target = entry.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == targetName);
        Assert.True(Gradients.IsDifferentiable(Load(name)), name);
        var model = (IDifferentiableModel)Load(name);
        using var golden = SafetensorsFile.Open(Path.Combine(Root, name + ".safetensors"));
        var ids = golden.ReadInt64("input_ids").Select(v => checked((int)v)).ToArray();
        var embeds = golden.ReadFloat32("inputs_embeds");
        float scale = (float)target.GetProperty("inputs_embeds_scale").GetDouble();
        var options = new GradientOptions { InputsEmbeds = scale == 1f ? null : embeds.Select(v => v * scale).ToArray(), KeptActivationsBudgetBytes = keptBudget };
        var gradientTarget = new GradientTarget(
            Enum.Parse<GradientOutput>(target.GetProperty("output").GetString()!),
            target.GetProperty("position").GetInt32(),
            target.GetProperty("index").GetInt32(),
            target.GetProperty("contrast").ValueKind == JsonValueKind.Null ? null : target.GetProperty("contrast").GetInt32(),
            target.GetProperty("log_probability").GetBoolean());

        int[]? mask = golden.Tensors.ContainsKey("attention_mask") ? golden.ReadInt64("attention_mask").Select(v => (int)v).ToArray() : null;
        var result = model.Gradient(new ForwardInput(ids, AttentionMask: mask), gradientTarget, options);

        int l = entry.GetProperty("layers").GetInt32(), h = entry.GetProperty("heads").GetInt32(), t = ids.Length, c = entry.GetProperty("hidden").GetInt32();
        double value = target.GetProperty("value").GetDouble();
        Assert.True(Math.Abs(result.Value - value) <= RelativeTolerance * Math.Max(1, Math.Abs(value)),
            $"{name} {targetName}: value {result.Value:G9}, autograd {value:G9}");
        if (scale == 1f) Close($"{name} inputs_embeds", embeds, result.InputsEmbeds, t, c);
        Close($"{name} {targetName} grad_inputs_embeds", golden.ReadFloat32("grad_inputs_embeds." + targetName), result.GradInputsEmbeds, t, c);
        Close($"{name} {targetName} attentions", golden.ReadFloat32(scale == 1f ? "attentions" : "attentions.scaled"), result.Attentions!, l, h, t, t);
        Close($"{name} {targetName} grad_attentions", golden.ReadFloat32("grad_attentions." + targetName), result.GradAttentions!, l, h, t, t);
    }

    /// <summary>|actual − expected| ≤ 1e-4 · max |expected| everywhere; the worst index is printed otherwise.</summary>
    internal static void Close(string what, float[] expected, float[] actual, params int[] shape)
    {
        double scale = expected.Length == 0 ? 1 : expected.Max(v => Math.Abs((double)v));
        TensorAssert.Close($"{what} (1e-4 × max |ref| = {scale:G3})", expected, actual, RelativeTolerance * Math.Max(scale, 1e-30), shape);
    }

    private static ITransformerModel Load(string name) =>
        Models.GetOrAdd(name, n => ModelLoader.Load(Path.GetFullPath(Path.Combine(SharedData.RepositoryRoot, Manifest.Value.GetProperty(n).GetProperty("dir").GetString()!))));
}
