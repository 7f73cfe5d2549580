using System.Text.Json.Nodes;
using AttentionLens.Tests.Checkpoints;
using AttentionLens.Tokenizers;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Fuzz;

/// <summary>
/// Property: a mutated <c>tokenizer.json</c> (WordPiece, byte-level BPE and SentencePiece-style
/// BPE seeds) loaded through <see cref="TokenizerLoader"/> either loads — and then encodes and
/// decodes a sentence — or is refused with an <see cref="AttentionLensException"/> naming
/// tokenizer.json, within the time and allocation bounds of <see cref="FuzzHarness"/>.
/// </summary>
public sealed class TokenizerFuzzTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, int> CasesPerSeed = new() { ["bert-base-uncased"] = 300, ["gpt2"] = 300, ["stories260K"] = 400 };
    private const int RandomDocuments = 300;
    /// <summary>Encoded by every tokenizer that loads; the run of a's meets the catastrophic pattern
    /// the mutations can plant in a normalizer or pre-tokenizer ("(a+)+$").</summary>
    private const string Sentence = "Hello, world! Ünïcödé 東京 a  b\tc aaaaaaaaaaaaaaaaaaaaaaaa!";

    /// <summary>Seeds small enough to rewrite per case: the large vocabularies cut to their first ids.</summary>
    private static string Seed(string name)
    {
        var root = JsonNode.Parse(File.ReadAllText(name == "stories260K"
            ? SharedData.Path("models", "stories260K", "tokenizer.json")
            : SharedData.Path("golden", "tokenizers", name, "tokenizer.json")))!;
        var model = root["model"]!.AsObject();
        if (model["vocab"] is JsonObject vocab && vocab.Count > 400)
        {
            // A new object rather than Remove: JsonObject.Remove is linear, so 50k removals are quadratic.
            var keptVocab = vocab.Where(kv => kv.Value!.GetValue<int>() < 400).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
            model["vocab"] = new JsonObject(keptVocab.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
            if (model["merges"] is JsonArray merges)
            {
                var kept = merges.Where(m => m is JsonValue v && v.GetValue<string>().Split(' ') is [var a, var b] && keptVocab.ContainsKey(a) && keptVocab.ContainsKey(b) && keptVocab.ContainsKey(a + b))
                    .Select(m => m!.GetValue<string>()).ToList();
                model["merges"] = new JsonArray([.. kept.Select(m => (JsonNode?)JsonValue.Create(m))]);
            }
            if (root["added_tokens"] is JsonArray added)
                foreach (var t in added.Where(t => t!["id"]!.GetValue<int>() >= 400).ToList()) added.Remove(t);
            foreach (var key in new[] { "post_processor" })
                if (root[key] is not null && root[key]!.ToJsonString().Contains("\"id\"", StringComparison.Ordinal) && name != "bert-base-uncased") root[key] = null;
        }
        return root.ToJsonString();
    }

    [Fact]
    public void MutatedTokenizerJsonLoadsOrIsRefusedClearly()
    {
        var harness = new FuzzHarness("tokenizer.json");
        using var dir = new TempDirectory();
        var path = dir.File("tokenizer.json");
        ulong seed = 40;
        foreach (var name in new[] { "bert-base-uncased", "gpt2", "stories260K" })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var text = Seed(name);
            File.WriteAllText(path, text);
            var seedTokenizer = TokenizerLoader.Load(path);
            Assert.NotEmpty(seedTokenizer.Encode(Sentence).Ids);

            foreach (var mutations in FuzzSeeds.Draw(JsonMutation.Several, CasesPerSeed[name] * 3 / 4, seed++))
                Case(harness, $"{name} json {string.Join(" ", mutations)}", path, System.Text.Encoding.UTF8.GetBytes(JsonMutation.ApplyAll(text, mutations)));
            foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, CasesPerSeed[name] / 4, seed++))
                Case(harness, $"{name} bytes {string.Join(" ", mutations)}", path, ByteMutation.ApplyAll(System.Text.Encoding.UTF8.GetBytes(text), mutations));
            output.WriteLine($"{name}: {text.Length} characters, {CasesPerSeed[name]} cases in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        foreach (var json in FuzzSeeds.Draw(JsonMutation.Value, RandomDocuments, seed++, size: 40))
            Case(harness, $"random {json}", path, System.Text.Encoding.UTF8.GetBytes(json));
        harness.Verify(output);
        Assert.True(harness.Cases >= CasesPerSeed.Values.Sum() + RandomDocuments, $"{harness.Cases} cases");
    }

    private static void Case(FuzzHarness harness, string description, string path, byte[] json)
    {
        File.WriteAllBytes(path, json);
        ITokenizer? tokenizer = null;
        harness.Run(description, "tokenizer.json", () => tokenizer = TokenizerLoader.Load(path));
        if (tokenizer is not null)
            harness.Run(description + " (encode)", "", () => tokenizer.Decode(tokenizer.Encode(Sentence).Ids), mustNameFile: false);
    }
}
