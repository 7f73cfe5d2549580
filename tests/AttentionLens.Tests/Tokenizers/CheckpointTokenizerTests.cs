using System.Text.Json;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>The tiny models' own tokenizer files (older formats: vocab.txt, vocab.json + merges.txt,
/// SentencePiece tokenizer.model) reproduce transformers' samples in golden/hf/manifest.json, and
/// stories260K's tokenizer.json and tok512.model give the manifest's prompt ids.</summary>
public class CheckpointTokenizerTests
{
    public static TheoryData<string> Models => new() { "bert", "bert_mlm", "distilbert", "roberta", "gpt2", "llama" };

    [Theory]
    [MemberData(nameof(Models))]
    public void TinyModelTokenizerReproducesManifestSamples(string model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "hf", "manifest.json")));
        var entry = doc.RootElement.GetProperty("models").GetProperty(model);
        var tokenizer = TokenizerLoader.Load(SharedData.Path("golden", "hf", model));
        var samples = entry.GetProperty("tokenizer").GetProperty("samples").EnumerateArray().ToList();
        Assert.NotEmpty(samples);
        foreach (var sample in samples)
        {
            var text = sample.GetProperty("text").GetString()!;
            var expected = sample.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var actual = tokenizer.Encode(text).Ids;
            AssertIds(expected, actual, $"{model} {GoldenTokenizerTests.Quote(text)}");
        }
    }

    [Theory]
    [MemberData(nameof(VariantModels))]
    public void VariantCheckpointTokenizerMatchesItsBaseModel(string variant)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "hf", "manifest-variants.json")));
        var baseModel = doc.RootElement.GetProperty("models").GetProperty(variant).GetProperty("derived_from").GetString()!;
        using var manifest = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "hf", "manifest.json")));
        var tokenizer = TokenizerLoader.Load(SharedData.Path("golden", "hf", variant));
        foreach (var sample in manifest.RootElement.GetProperty("models").GetProperty(BaseName(baseModel)).GetProperty("tokenizer").GetProperty("samples").EnumerateArray())
        {
            var text = sample.GetProperty("text").GetString()!;
            var expected = sample.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            AssertIds(expected, tokenizer.Encode(text).Ids, $"{variant} {GoldenTokenizerTests.Quote(text)}");
        }
    }

    public static TheoryData<string> VariantModels => new() { "llama_bf16", "gpt2_fp16", "bert_sharded", "roberta_bin" };

    private static string BaseName(string derivedFrom) => derivedFrom.Split(' ')[0].Split('/').Last();

    [Theory]
    [InlineData("tokenizer.json")]
    [InlineData("tok512.model")]
    public void Stories260KPromptIds(string file)
    {
        var dir = SharedData.Path("models", "stories260K");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        var tokenizer = TokenizerLoader.LoadFile(Path.Combine(dir, file));
        var prompts = doc.RootElement.GetProperty("model").GetProperty("tokenizer_crosscheck").GetProperty("prompts").EnumerateArray().ToList();
        Assert.NotEmpty(prompts);
        foreach (var prompt in prompts)
        {
            var text = prompt.GetProperty("text").GetString()!;
            var expected = prompt.GetProperty("sentencepiece_ids_with_bos").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var encoding = tokenizer.Encode(text);
            AssertIds(expected, encoding.Ids, $"{file} {GoldenTokenizerTests.Quote(text)}");
            var pieces = prompt.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.Equal(pieces, encoding.Tokens.Select(t => t.Text).ToArray());
            Assert.Equal(text, tokenizer.Decode(encoding.Ids));
        }
    }

    [Fact]
    public void Tok512ModelAgreesWithTokenizerJsonOnGoldenSentences()
    {
        var json = TokenizerLoader.LoadFile(SharedData.Path("golden", "tokenizers", "stories260K-tok512", "tokenizer.json"));
        var model = TokenizerLoader.LoadFile(SharedData.Path("golden", "tokenizers", "stories260K-tok512", "tok512.model"));
        foreach (var c in GoldenCase.Load("stories260K-tok512"))
        {
            if (c.Text.Contains("<s>", StringComparison.Ordinal)) continue;
            AssertIds(c.Ids, model.Encode(c.Text).Ids, $"tok512.model {GoldenTokenizerTests.Quote(c.Text)}");
            Assert.Equal(json.Encode(c.Text).Tokens.Select(t => t.Source), model.Encode(c.Text).Tokens.Select(t => t.Source));
        }
    }

    internal static void AssertIds(int[] expected, int[] actual, string what)
    {
        var n = Math.Min(expected.Length, actual.Length);
        for (var k = 0; k < n; k++)
            Assert.True(expected[k] == actual[k], $"{what}: first difference at position {k}: {actual[k]}, reference {expected[k]} (reference [{string.Join(",", expected)}], got [{string.Join(",", actual)}])");
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} ids, reference {expected.Length} (reference [{string.Join(",", expected)}], got [{string.Join(",", actual)}])");
    }
}
