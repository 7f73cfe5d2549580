using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Every model folder of ../shared/golden/hf and stories260K against every reference case that
/// transformers 4.40 produced: each batch row is run through our batch-1 forward with its own mask
/// and token types and compared with that row of the reference (atol 1e-4, the manifests' tolerance).
/// </summary>
public sealed class GoldenModelTests
{
    private const double Atol = 1e-4;

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
        // Guards the theory's data source: 10 golden folders with 3 or 4 cases each, 4 stories260K cases.
        Assert.Equal(10 * 3 + 4 /* bert, bert_mlm, bert_sharded: pair_token_types */ - 1 + 4, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesTransformers(string folder, string caseName)
    {
        var model = ModelLoader.Load(SharedData.Path(folder));
        using var reference = new ReferenceCase(SharedData.Path(folder, "reference", caseName + ".safetensors"));
        var info = model.Info;
        int t = reference.Tokens, l = info.Layers, h = info.Heads, c = info.HiddenSize;
        for (int b = 0; b < reference.Batch; b++)
        {
            var input = new ForwardInput(reference.InputRow("input.input_ids", b)!, reference.InputRow("input.token_type_ids", b), reference.InputRow("input.attention_mask", b));
            var result = model.Forward(input);
            string where = $"{folder}/{caseName} row {b}";
            TensorAssert.Close($"{where} attentions", reference.BatchSlice("attentions", b, 1), result.Attentions, Atol, l, h, t, t);
            TensorAssert.Close($"{where} hidden_states", reference.BatchSlice("hidden_states", b, 1), result.HiddenStates, Atol, l + 1, t, c);
            if (reference.Has("logits"))
            {
                Assert.NotNull(result.Logits);
                TensorAssert.Close($"{where} logits", reference.BatchSlice("logits", b, 0), result.Logits, Atol, t, info.VocabSize);
            }
            else
            {
                Assert.Null(result.Logits);
            }
            if (reference.Has("pooler_output"))
            {
                Assert.NotNull(result.PooledOutput);
                TensorAssert.Close($"{where} pooler_output", reference.BatchSlice("pooler_output", b, 0), result.PooledOutput, Atol, c);
            }
        }
    }
}
