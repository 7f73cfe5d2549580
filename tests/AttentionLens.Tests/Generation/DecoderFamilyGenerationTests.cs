using System.Text.Json;
using AttentionLens.Generation;
using AttentionLens.Models;

namespace AttentionLens.Tests.Generation;

/// <summary>
/// Greedy generation on every decoder family's tiny golden LM (tests/goldens/decoders, made by
/// make_goldens.py with transformers 4.48: 8 tokens, argmax of the last position appended each step)
/// — every family through its key/value cache (Mistral and Qwen2 through Llama's; GPT-NeoX, OPT, Phi,
/// Phi-3, Gemma, Gemma 2 and OLMo-2 through <see cref="DecoderTaskModel"/>'s): the same ids.
/// </summary>
public class DecoderFamilyGenerationTests
{
    private static string Root => Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders");

    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json")));
        foreach (var m in manifest.RootElement.GetProperty("models").EnumerateObject())
            if (m.Value.TryGetProperty("greedy", out _)) data.Add(m.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_generation_equals_transformers(string folder)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json")));
        var greedy = manifest.RootElement.GetProperty("models").GetProperty(folder).GetProperty("greedy");
        var prompt = greedy.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = greedy.GetProperty("continuation").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var model = ModelLoader.Load(Path.Combine(Root, folder));
        var result = Generator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = expected.Length });
        Assert.Equal(expected, result.NewIds);
        // Every decoder family's LM now generates through its key/value cache.
        Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        Assert.True(result.UsedKeyValueCache, $"{folder} generated without its key/value cache");
    }
}
