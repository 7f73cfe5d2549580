using System.CommandLine;
using System.Text.Json;
using AttentionLens.Checkpoints;
using AttentionLens.Server.Cli;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>
/// `attention-lens forward … --grad-target N [--grad-token ID | --grad-contrast A,B] [--grad-qa-end]`: the file gains
/// grad_inputs_embeds [T, C] and grad_attentions [L, H, T, T] equal to PyTorch autograd's
/// (tests/goldens/gradients, tolerance 1e-4 relative to the reference's largest magnitude); a model without a
/// backward pass, or a bad combination of options, exits 1.
/// </summary>
public sealed class ForwardCommandGradientTests
{
    private static int Invoke(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(ForwardCommand.Create());
        return root.Parse(args).Invoke();
    }

    private static JsonElement Target(string model, string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(GradientGoldenTests.Root, "manifest.json"))).RootElement
            .GetProperty("models").GetProperty(model).GetProperty("targets").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == name).Clone();

    [Theory]
    // The default logit is the predicted token or label at N (the goldens' "logit" targets are the argmax).
    [InlineData("gpt2", "LmLogits.logit", false, false)]
    [InlineData("gpt2", "LmLogits.contrast", true, false)]
    [InlineData("bert_seqcls", "ClassifierLogits.logit", false, false)]
    [InlineData("bert_seqcls", "ClassifierLogits.contrast", true, false)]
    [InlineData("llama_tokcls", "TokenClassifierLogits.logit", false, false)]
    [InlineData("bert_qa", "QaEndLogits.logit", false, true)]
    [InlineData("stories260K", "LmLogits.contrast", true, false)]
    public void WritesGradientsEqualToAutograd(string model, string targetName, bool contrast, bool qaEnd)
    {
        var target = Target(model, targetName);
        using var golden = SafetensorsFile.Open(Path.Combine(GradientGoldenTests.Root, model + ".safetensors"));
        var ids = golden.ReadInt64("input_ids");
        var folder = Path.GetFullPath(Path.Combine(SharedData.RepositoryRoot,
            JsonDocument.Parse(File.ReadAllText(Path.Combine(GradientGoldenTests.Root, "manifest.json"))).RootElement
                .GetProperty("models").GetProperty(model).GetProperty("dir").GetString()!));
        using var dir = new TempDirectory();
        var output = dir.File("out.safetensors");
        var args = new List<string> { "forward", "--model", folder, "--ids", string.Join(",", ids), "--out", output,
            "--grad-target", target.GetProperty("position").GetInt32().ToString() };
        if (contrast) args.AddRange(["--grad-contrast", $"{target.GetProperty("index").GetInt32()},{target.GetProperty("contrast").GetInt32()}"]);
        if (qaEnd) args.Add("--grad-qa-end");
        Assert.Equal(0, Invoke(args.ToArray()));

        using var file = SafetensorsFile.Open(output);
        int t = ids.Length;
        var shape = file.Info("grad_attentions").Shape.Select(d => (int)d).ToArray();
        Assert.Equal([t, t], shape[2..]);
        Assert.Equal([t, golden.Info("inputs_embeds").Shape[1]], file.Info("grad_inputs_embeds").Shape);
        GradientGoldenTests.Close("grad_inputs_embeds", golden.ReadFloat32("grad_inputs_embeds." + targetName), file.ReadFloat32("grad_inputs_embeds"),
            file.Info("grad_inputs_embeds").Shape.Select(d => (int)d).ToArray());
        GradientGoldenTests.Close("grad_attentions", golden.ReadFloat32("grad_attentions." + targetName), file.ReadFloat32("grad_attentions"), shape);
        // The forward's own tensors are still there.
        Assert.True(file.Tensors.ContainsKey("attentions") && file.Tensors.ContainsKey("hidden_states"));
    }

    [Fact]
    public void RefusesModelsWithoutBackwardPass()
    {
        using var dir = new TempDirectory();
        // BertModel: no head, so no logit to differentiate.
        Assert.Equal(1, Invoke("forward", "--model", SharedData.Path("golden", "hf", "bert"), "--ids", "5,6,7", "--out", dir.File("a.safetensors"), "--grad-target", "1"));
        Assert.False(File.Exists(dir.File("a.safetensors")));
    }

    [Theory]
    [InlineData("--grad-target", "9")]           // outside the 3 tokens
    [InlineData("--grad-token", "5")]            // without --grad-target
    [InlineData("--grad-contrast", "5")]         // not A,B
    public void RefusesBadGradientOptions(string option, string value)
    {
        using var dir = new TempDirectory();
        var extra = option == "--grad-contrast" ? new[] { "--grad-target", "1", option, value } : [option, value];
        Assert.Equal(1, Invoke(["forward", "--model", SharedData.Path("golden", "hf", "gpt2"), "--ids", "5,6,7", "--out", dir.File("o.safetensors"), .. extra]));
    }
}
