using System.CommandLine;
using AttentionLens.Checkpoints;
using AttentionLens.Flow;
using AttentionLens.Models;
using AttentionLens.Server.Cli;

namespace AttentionLens.Tests.Flow;

public sealed class FlowCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("al-flow-cli").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private static int Run(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(FlowCommand.Create());
        return root.Parse(["flow", .. args]).Invoke();
    }

    [Fact]
    public void AllTargetsRawFlowMatchesReference()
    {
        var output = Path.Combine(dir, "raw.npy");
        Assert.Equal(0, Run("--attention", SharedData.Path("golden", "flow", "n8_banded", "attention.npy"), "--method", "flow", "--target", "all", "--raw", "--out", output));
        var written = NpyFile.Read(output);
        Assert.Equal(new[] { 8, 8 }, written.Shape);
        Assert.Equal("<f8", written.DType);
        ArrayAssert.Close(FlowGolden.Read("n8_banded", "flow_raw.npy").Data, written.Data, 1e-9, "cli flow_raw", 8, 8);
    }

    [Fact]
    public void OneTargetNormalisedFlowFromFloat32MatchesReference()
    {
        // The float32 copy of the attention loses ~1e-8 per entry, so compare at 1e-6.
        var golden = FlowGolden.Read("n16_banded", "attention.npy");
        var f32 = Path.Combine(dir, "att32.npy");
        NpyFile.WriteFloat32(f32, golden.Data.Select(v => (float)v).ToArray(), golden.Shape);
        var output = Path.Combine(dir, "one.npy");
        Assert.Equal(0, Run("--attention", f32, "--target", "0", "--out", output));
        var written = NpyFile.Read(output);
        Assert.Equal(new[] { 1, 16 }, written.Shape);
        ArrayAssert.Close(FlowGolden.Read("n16_banded", "flow_one.npy").Data, written.Data, 1e-6, "cli flow_one (f32 input)", 1, 16);
    }

    [Fact]
    public void RolloutMatchesReference()
    {
        var output = Path.Combine(dir, "rollout.npy");
        Assert.Equal(0, Run("--attention", SharedData.Path("golden", "flow", "n16", "attention.npy"), "--method", "rollout", "--out", output));
        ArrayAssert.Close(FlowGolden.Read("n16", "rollout.npy").Data, NpyFile.Read(output).Data, 1e-9, "cli rollout", 16, 16);
    }

    [Fact]
    public void ReadsTransformersReferenceSafetensors()
    {
        // The llama reference stores attentions as [L, 1, H, T, T] (batch axis second).
        var path = SharedData.Path("golden", "hf", "llama", "reference", "single.safetensors");
        var output = Path.Combine(dir, "llama.npy");
        Assert.Equal(0, Run("--attention", path, "--method", "flow", "--causal", "--target", "all", "--out", output));
        using var file = SafetensorsFile.Open(path);
        var dims = file.Info("attentions").Shape.Select(d => (int)d).ToArray();
        var shape = AttentionShape.Create(dims[0], dims[2], dims[3]);
        var graph = LayeredAttention.FromAttention<float>(file.ReadFloat32("attentions"), shape, new ReductionOptions(Causal: true));
        var expected = AttentionFlow.RawAllTargets(graph);
        AttentionFlow.NormaliseRows(expected, shape.Tokens);
        var written = NpyFile.Read(output);
        Assert.Equal(new[] { shape.Tokens, shape.Tokens }, written.Shape);
        ArrayAssert.Close(expected, written.Data, 1e-12, "cli flow from safetensors", shape.Tokens, shape.Tokens);
    }

    [Fact]
    public void ReadsTheForwardCommandOutput()
    {
        // forward writes attentions [L, H, T, T]; rollout of it equals rollout of the model's own
        // attention computed in-process.
        var model = SharedData.Path("golden", "hf", "bert");
        var forwardOut = Path.Combine(dir, "fwd.safetensors");
        var root = new RootCommand();
        root.Subcommands.Add(ForwardCommand.Create());
        Assert.Equal(0, root.Parse(["forward", "--model", model, "--ids", "2,5,7,9,3", "--out", forwardOut]).Invoke());
        var output = Path.Combine(dir, "rollout.npy");
        Assert.Equal(0, Run("--attention", forwardOut, "--method", "rollout", "--target", "0", "--out", output));
        var result = ModelLoader.Load(model).Forward(new ForwardInput([2, 5, 7, 9, 3]));
        var graph = LayeredAttention.FromAttention<float>(result.Attentions, AttentionShape.Create(result.Layers, result.Heads, 5));
        var expected = Rollout.Final(graph).AsSpan(0, 5).ToArray();
        ArrayAssert.Close(expected, NpyFile.Read(output).Data, 1e-12, "cli rollout of forward output", 1, 5);
    }

    [Fact]
    public void SafetensorsWithoutAttentionsIsRefused()
    {
        var output = Path.Combine(dir, "x.npy");
        Assert.Equal(1, Run("--attention", SharedData.Path("golden", "hf", "bert", "model.safetensors"), "--out", output));
    }

    [Fact]
    public void BadInputFailsWithExitCodeOne()
    {
        var output = Path.Combine(dir, "x.npy");
        Assert.Equal(1, Run("--attention", SharedData.Path("golden", "flow", "n8", "flow.npy"), "--out", output));
        Assert.Equal(1, Run("--attention", SharedData.Path("golden", "flow", "n8", "attention.npy"), "--target", "8", "--out", output));
        Assert.Equal(1, Run("--attention", Path.Combine(dir, "missing.npy"), "--out", output));
        Assert.False(File.Exists(output));
    }
}
