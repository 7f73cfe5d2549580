using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Every model folder of ../shared/golden/hf and stories260K against every reference case that
/// transformers 4.40 produced: each batch row is run through our batch-1 forward with its own mask
/// and token types and compared with that row of the reference (atol 1e-4, the manifests' tolerance).
/// </summary>
public sealed class GoldenModelTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "bert", "bert_mlm", "distilbert", "roberta", "gpt2", "llama", "llama_bf16", "gpt2_fp16", "bert_sharded", "roberta_bin" })
            foreach (var file in Directory.GetFiles(SharedData.Path("golden", "hf", folder, "reference"), "*.safetensors").Order())
                data.Add(Path.Combine("golden", "hf", folder), Path.GetFileNameWithoutExtension(file));
        foreach (var file in Directory.GetFiles(SharedData.Path("models", "stories260K", "reference"), "*.safetensors").Order())
            data.Add(Path.Combine("models", "stories260K"), Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void EveryGoldenFolderHasCases()
    {
        // Guards the theory's data source: 10 golden folders with 3 cases each, plus pair_token_types
        // for bert, bert_mlm and bert_sharded, plus 4 stories260K cases.
        Assert.Equal(10 * 3 + 3 + 4, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesTransformers(string folder, string caseName) =>
        GoldenComparison.Check(SharedData.Path(folder), caseName, folder);
}
