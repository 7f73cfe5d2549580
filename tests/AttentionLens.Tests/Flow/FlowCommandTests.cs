using System.CommandLine;
using AttentionLens.Checkpoints;
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
    public void BadInputFailsWithExitCodeOne()
    {
        var output = Path.Combine(dir, "x.npy");
        Assert.Equal(1, Run("--attention", SharedData.Path("golden", "flow", "n8", "flow.npy"), "--out", output));
        Assert.Equal(1, Run("--attention", SharedData.Path("golden", "flow", "n8", "attention.npy"), "--target", "8", "--out", output));
        Assert.Equal(1, Run("--attention", Path.Combine(dir, "missing.npy"), "--out", output));
        Assert.False(File.Exists(output));
    }
}
