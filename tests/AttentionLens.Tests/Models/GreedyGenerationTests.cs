using System.Text.Json;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Greedy continuation (argmax of the last position's logits, full forward every step) reproduces
/// exactly the ids transformers' generate(do_sample=False) produced: stories260K's 24-token
/// continuations of each manifest prompt, and gpt2/llama's greedy_generate_8 in the golden manifest.
/// </summary>
public sealed class GreedyGenerationTests
{
    private static int[] Generate(ITransformerModel model, int[] prompt, int newTokens)
    {
        var ids = prompt.ToList();
        for (int step = 0; step < newTokens; step++)
        {
            var logits = model.Forward(new ForwardInput(ids.ToArray())).Logits!;
            int v = model.Info.VocabSize;
            var last = logits.AsSpan((ids.Count - 1) * v, v);
            int best = 0;
            for (int i = 1; i < v; i++) if (last[i] > last[best]) best = i;
            ids.Add(best);
        }
        return ids.ToArray();
    }

    public static TheoryData<string> StoriesCases()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(SharedData.Path("models", "stories260K", "manifest.json")));
        var data = new TheoryData<string>();
        foreach (var c in manifest.RootElement.GetProperty("model").GetProperty("cases").EnumerateObject())
            if (c.Value.TryGetProperty("greedy_continuation", out _)) data.Add(c.Name);
        return data;
    }

    [Fact]
    public void StoriesManifestHasThreePrompts() => Assert.Equal(3, StoriesCases().Count);

    [Theory]
    [MemberData(nameof(StoriesCases))]
    public void Stories260KContinuesEachPromptExactly(string caseName)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(SharedData.Path("models", "stories260K", "manifest.json")));
        var c = manifest.RootElement.GetProperty("model").GetProperty("cases").GetProperty(caseName);
        var prompt = c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var greedy = c.GetProperty("greedy_continuation");
        var expected = greedy.GetProperty("all_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int n = greedy.GetProperty("max_new_tokens").GetInt32();
        var model = ModelLoader.Load(SharedData.Path("models", "stories260K"));
        Assert.Equal(expected, Generate(model, prompt, n));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void GoldenDecodersReproduceGreedyGenerate8(string folder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "hf", "manifest.json")));
        var single = manifest.RootElement.GetProperty("models").GetProperty(folder).GetProperty("cases").GetProperty("single");
        var expected = single.GetProperty("greedy_generate_8").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var reference = new ReferenceCase(SharedData.Path("golden", "hf", folder, "reference", "single.safetensors"));
        var prompt = reference.InputRow("input.input_ids", 0)!;
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        Assert.Equal(expected, Generate(model, prompt, expected.Length - prompt.Length));
    }
}
