using System.CommandLine;
using AttentionLens.Checkpoints;
using AttentionLens.Server.Cli;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>`attention-lens forward` on task-head checkpoints: each head's outputs under transformers'
/// names and batch-free shapes, equal to the transformers reference of the same ids.</summary>
public sealed class ForwardCommandHeadTests
{
    private static int Invoke(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(ForwardCommand.Create());
        return root.Parse(args).Invoke();
    }

    [Theory]
    [InlineData("bert_seqcls", "logits", "3")]
    [InlineData("deberta_v2_seqcls", "logits", "3")]
    [InlineData("roberta_tokcls", "logits", "T,5")]
    [InlineData("electra_pretraining", "logits", "T")]
    [InlineData("albert_mlm", "logits", "T,96")]
    [InlineData("xlm_roberta_qa", "start_logits", "T")]
    [InlineData("distilbert_qa", "end_logits", "T")]
    [InlineData("decoders/llama_seqcls", "logits", "3")]
    [InlineData("decoders/mistral_tokcls", "logits", "T,5")]
    [InlineData("decoders/gpt_neox_qa", "start_logits", "T")]
    [InlineData("decoders/opt_qa", "end_logits", "T")]
    [InlineData("decoders/gemma2", "logits", "T,96")]
    public void WritesHeadOutputsUnderTransformersNames(string folder, string name, string shape)
    {
        // "decoders/…" names a decoder golden; a bare name an encoder golden.
        string model = folder.StartsWith("decoders/", StringComparison.Ordinal)
            ? Path.Combine(DecoderGoldenTests.Root, folder["decoders/".Length..])
            : Path.Combine(EncoderGoldenTests.Root, folder);
        using var reference = new ReferenceCase(Path.Combine(model, "reference", "single.safetensors"));
        var ids = reference.InputRow("input.input_ids", 0)!;
        using var dir = new TempDirectory();
        var output = dir.File("out.safetensors");
        Assert.Equal(0, Invoke("forward", "--model", model, "--ids", string.Join(",", ids), "--out", output));

        using var file = SafetensorsFile.Open(output);
        int t = ids.Length;
        var expectedShape = shape.Split(',').Select(d => d == "T" ? (long)t : long.Parse(d)).ToArray();
        Assert.Equal(expectedShape, file.Info(name).Shape);
        TensorAssert.Close(name, reference.BatchSlice(name, 0, 0), file.ReadFloat32(name), 1e-4, expectedShape.Select(d => (int)d).ToArray());
        // Exactly the outputs transformers returns for this head, no others.
        var heads = new[] { "logits", "start_logits", "end_logits" }.Where(file.Tensors.ContainsKey).Order();
        var expected = new[] { "logits", "start_logits", "end_logits" }.Where(reference.Has).Order();
        Assert.Equal(expected, heads);
    }
}
