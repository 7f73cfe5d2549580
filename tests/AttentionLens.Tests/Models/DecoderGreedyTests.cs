using System.Text.Json;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Greedy continuation (argmax of the last position, a full forward every step, as make_goldens.py
/// ran transformers without a cache) reproduces the 8 ids transformers chose for every decoder LM of
/// tests/goldens/decoders/manifest.json: lengths the reference cases do not cover, one token at a time.
/// </summary>
public sealed class DecoderGreedyTests
{
    public static TheoryData<string> Models()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(DecoderGoldenTests.Root, "manifest.json")));
        var data = new TheoryData<string>();
        foreach (var model in manifest.RootElement.GetProperty("models").EnumerateObject())
            if (model.Value.TryGetProperty("greedy", out _)) data.Add(model.Name);
        return data;
    }

    [Fact]
    public void EveryLanguageModelHasAContinuation() => Assert.True(Models().Count >= 12, $"{Models().Count} greedy continuations");

    [Theory]
    [MemberData(nameof(Models))]
    public void GreedyContinuationMatchesTransformers(string name)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(DecoderGoldenTests.Root, "manifest.json")));
        var greedy = manifest.RootElement.GetProperty("models").GetProperty(name).GetProperty("greedy");
        var ids = greedy.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var expected = greedy.GetProperty("continuation").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var model = ModelLoader.Load(Path.Combine(DecoderGoldenTests.Root, name));
        int v = model.Info.VocabSize;
        var produced = new List<int>();
        foreach (var _ in expected)
        {
            var logits = model.Forward(new ForwardInput(ids.ToArray())).Logits!;
            var last = logits.AsSpan((ids.Count - 1) * v, v);
            int best = 0;
            for (int i = 1; i < v; i++) if (last[i] > last[best]) best = i;
            ids.Add(best);
            produced.Add(best);
        }
        Assert.Equal(expected, produced);
    }
}
