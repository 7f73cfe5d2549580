using System.Text.Json;
using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Each family's whole backward pass against central finite differences of its own forward, on the tiny
/// golden models (tests/goldens/gradients): along a random direction u (scaled to the embeddings' RMS), the
/// directional derivative Σ ∂y/∂e · u must equal (y(e + h·u) − y(e − h·u)) / 2h, y evaluated in float32 through
/// <see cref="GradientOptions.InputsEmbeds"/>, h = 1e-3 (rounding of y costs about 1e-7·|y|/h ≈ 1e-4·|y|;
/// truncation h²·y‴ is smaller). Tolerance: 1e-2 × Σ|∂y/∂e · u| + 2e-4 × |y|.
/// Independent of the autograd goldens: this checks the backward against our forward.
/// </summary>
public sealed class GradientFiniteDifferenceTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "gpt2", "LmLogits.logprob" },
        { "gpt2_qa", "QaEndLogits.contrast" },
        { "bert_mlm_small", "LmLogits.contrast" },
        { "bert_seqcls", "ClassifierLogits.logprob" },
        { "roberta_seqcls", "ClassifierLogits.logit" },
        { "electra_mlm", "LmLogits.logit" },
        { "distilbert_qa", "QaStartLogits.logprob" },
        { "llama", "LmLogits.contrast" },
        { "stories260K", "LmLogits.logprob" },
        { "mistral", "LmLogits.logit" },
        { "llama_tokcls", "TokenClassifierLogits.contrast" },
        { "gpt_neox", "LmLogits.logprob" },
        { "phi_seqcls", "ClassifierLogits.contrast" },
        { "phi3_longrope", "LmLogits.logit" },
        { "gemma_tokcls", "TokenClassifierLogits.logprob" },
        { "gemma2", "LmLogits.logprob" },
        { "olmo2", "LmLogits.contrast" },
        { "opt_post_ln_proj", "LmLogits.logprob" },
        { "opt_seqcls", "ClassifierLogits.logit" },
        { "albert_qa", "QaEndLogits.logprob" },
        { "deberta_v2_mlm", "LmLogits.logprob" },
        { "deberta_v2_qa", "QaStartLogits.contrast" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DirectionalDerivativeMatchesFiniteDifferences(string name, string targetName)
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(GradientGoldenTests.Root, "manifest.json"))).RootElement.GetProperty("models").GetProperty(name);
        var t = manifest.GetProperty("targets").EnumerateArray().Single(e => e.GetProperty("name").GetString() == targetName);
        var model = Gradients.Require(ModelLoader.Load(Path.GetFullPath(Path.Combine(SharedData.RepositoryRoot, manifest.GetProperty("dir").GetString()!))));
        using var golden = SafetensorsFile.Open(Path.Combine(GradientGoldenTests.Root, name + ".safetensors"));
        var input = new ForwardInput(golden.ReadInt64("input_ids").Select(v => (int)v).ToArray());
        var target = new GradientTarget(Enum.Parse<GradientOutput>(t.GetProperty("output").GetString()!), t.GetProperty("position").GetInt32(), t.GetProperty("index").GetInt32(),
            t.GetProperty("contrast").ValueKind == JsonValueKind.Null ? null : t.GetProperty("contrast").GetInt32(), t.GetProperty("log_probability").GetBoolean());

        var at = model.Gradient(input, target, new GradientOptions { AttentionGradients = false });
        var e = at.InputsEmbeds;
        var rng = new Random(name.Length * 31 + targetName.Length);
        double rms = Math.Sqrt(e.Sum(v => (double)v * v) / e.Length);
        var u = e.Select(_ => (float)((rng.NextDouble() * 2 - 1) * rms)).ToArray();
        double analytic = 0, scale = 0;
        for (int i = 0; i < e.Length; i++)
        {
            analytic += (double)at.GradInputsEmbeds[i] * u[i];
            scale += Math.Abs((double)at.GradInputsEmbeds[i] * u[i]);
        }
        const double h = 1e-3;
        float Value(double sign) => model.Gradient(input, target, new GradientOptions
        {
            InputsEmbeds = e.Select((v, i) => (float)(v + sign * h * u[i])).ToArray(),
            AttentionGradients = false,
        }).Value;
        double fd = (Value(1) - (double)Value(-1)) / (2 * h);
        double tolerance = 1e-2 * scale + 2e-4 * Math.Abs(at.Value);
        Assert.True(Math.Abs(fd - analytic) <= tolerance,
            $"{name} {targetName}: Σ ∂y/∂e·u = {analytic:G6}, finite difference {fd:G6}, tolerance {tolerance:G3} (y = {at.Value:G6})");
        Assert.Null(at.GradAttentions);
    }
}
