using System.CommandLine;
using AttentionLens.Checkpoints;
using AttentionLens.Server.Cli;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>`attention-lens forward` parsed and run in-process; its file read back with our reader and
/// compared with the transformers reference of the same ids.</summary>
public sealed class ForwardCommandTests
{
    private static int Invoke(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(ForwardCommand.Create());
        return root.Parse(args).Invoke();
    }

    [Theory]
    [InlineData("gpt2", "single")]
    [InlineData("bert", "pair_token_types")]
    public void WritesTheForwardTensors(string folder, string caseName)
    {
        using var dir = new TempDirectory();
        using var reference = new ReferenceCase(SharedData.Path("golden", "hf", folder, "reference", caseName + ".safetensors"));
        var ids = reference.InputRow("input.input_ids", 0)!;
        var types = reference.InputRow("input.token_type_ids", 0);
        var output = dir.File("out.safetensors");
        var args = new List<string> { "forward", "--model", SharedData.Path("golden", "hf", folder), "--ids", string.Join(",", ids), "--out", output };
        if (types is not null) args.AddRange(["--token-type-ids", string.Join(",", types)]);
        Assert.Equal(0, Invoke(args.ToArray()));

        using var file = SafetensorsFile.Open(output);
        int t = ids.Length;
        Assert.Equal(ids.Select(i => (long)i), file.ReadInt64("input_ids"));
        Assert.Equal(SafetensorsDType.I64, file.Info("input_ids").DType);
        Assert.Equal([2L, 4, t, t], file.Info("attentions").Shape);
        Assert.Equal([3L, t, 32], file.Info("hidden_states").Shape);
        TensorAssert.Close("attentions", reference.BatchSlice("attentions", 0, 1), file.ReadFloat32("attentions"), 1e-4, 2, 4, t, t);
        TensorAssert.Close("hidden_states", reference.BatchSlice("hidden_states", 0, 1), file.ReadFloat32("hidden_states"), 1e-4, 3, t, 32);
        Assert.Equal(reference.Has("logits"), file.Tensors.ContainsKey("logits"));
        if (reference.Has("logits"))
        {
            Assert.Equal([(long)t, 305], file.Info("logits").Shape);
            TensorAssert.Close("logits", reference.BatchSlice("logits", 0, 0), file.ReadFloat32("logits"), 1e-4, t, 305);
        }
    }

    [Theory]
    [InlineData("--ids", "1,x")]
    [InlineData("--ids", "")]
    [InlineData("--ids", "1,999")]
    public void BadIdsFailWithoutWriting(string option, string value)
    {
        using var dir = new TempDirectory();
        var output = dir.File("out.safetensors");
        Assert.Equal(1, Invoke("forward", "--model", SharedData.Path("golden", "hf", "gpt2"), option, value, "--out", output));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void IdsAndTextTogetherFail()
    {
        using var dir = new TempDirectory();
        Assert.Equal(1, Invoke("forward", "--model", SharedData.Path("golden", "hf", "gpt2"), "--ids", "1,2", "--text", "hi", "--out", dir.File("o.safetensors")));
    }

    [Fact]
    public void MissingModelFolderFails()
    {
        using var dir = new TempDirectory();
        Assert.Equal(1, Invoke("forward", "--model", dir.File("absent"), "--ids", "1,2", "--out", dir.File("o.safetensors")));
    }
}
