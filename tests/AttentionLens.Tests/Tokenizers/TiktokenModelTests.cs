using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Library;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>tiktoken-format files (the original Llama 3 tokenizer.model), read through
/// Microsoft.ML.Tokenizers' tiktoken engine. GPT-2's vocabulary written as a tiktoken file
/// (rank = id, which is OpenAI's r50k_base) must give the Hugging Face goldens exactly.</summary>
public sealed class TiktokenModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("al-tiktoken-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes GPT-2's byte-level vocabulary as "base64(bytes) rank" lines (specials left out).</summary>
    private string WriteGpt2Tiktoken()
    {
        var vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(
            File.ReadAllText(SharedData.Path("golden", "tokenizers", "gpt2", "vocab.json")))!;
        var lines = vocab.Where(p => p.Key != "<|endoftext|>").OrderBy(p => p.Value)
            .Select(p => Convert.ToBase64String(p.Key.Select(c => (byte)ByteLevelAlphabet.Decode(c)).ToArray()) + " " + p.Value);
        var path = Path.Combine(_dir, "tokenizer.model");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Gpt2AsTiktokenFileEqualsTheGoldens()
    {
        WriteGpt2Tiktoken();
        var tokenizer = TokenizerLoader.Load(_dir);
        Assert.IsType<TiktokenModelTokenizer>(tokenizer);
        Assert.Equal(50257, tokenizer.VocabSize);
        foreach (var g in GoldenCase.Load("gpt2"))
        {
            var e = tokenizer.Encode(g.Text);
            Assert.True(g.Ids.SequenceEqual(e.Ids), $"ids on \"{g.Text}\": golden [{string.Join(",", g.Ids)}], ours [{string.Join(",", e.Ids)}]");
            Assert.Equal(g.Tokens, e.Tokens.Select(t => t.Text).ToArray());
            Assert.Equal(g.OffsetsUtf16.Select(o => (o[0], o[1])), e.Tokens.Select(t => (t.Source.Start, t.Source.End)));
            Assert.Equal(g.SpecialMask, e.Tokens.Select(t => t.IsSpecial ? 1 : 0).ToArray());
            Assert.Equal(g.Decoded, tokenizer.Decode(e.Ids));
        }
    }

    [Fact]
    public void SpecialTokensSurviveManyDistinctWords()
    {
        WriteGpt2Tiktoken();
        var tokenizer = TokenizerLoader.Load(_dir);
        for (var n = 0; n < 12_000; n++) tokenizer.Encode(" w" + n);
        Assert.Equal([64, 50256, 65], tokenizer.Encode("a<|endoftext|>b").Ids);
    }

    [Fact]
    public void Llama3SizedFileGetsLlama3SpecialsAndBos()
    {
        // 128,000 ranks: the 256 bytes, then distinct filler tokens (the content is irrelevant here).
        var path = Path.Combine(_dir, "tokenizer.model");
        using (var w = new StreamWriter(path))
        {
            for (var b = 0; b < 256; b++) w.WriteLine(Convert.ToBase64String([(byte)b]) + " " + b);
            for (var r = 256; r < 128_000; r++) w.WriteLine(Convert.ToBase64String(BitConverter.GetBytes(r)) + " " + r);
        }
        var tokenizer = TokenizerLoader.LoadFile(path);
        var e = tokenizer.Encode("hi<|eot_id|>");
        Assert.Equal(128000, e.Ids[0]);
        Assert.True(e.Tokens[0].IsSpecial);
        Assert.Equal(128009, e.Ids[^1]);
        Assert.Equal(new TextRange(2, 12), e.Tokens[^1].Source);
        Assert.Equal("<|reserved_special_token_250|>", tokenizer.IdToToken(128255));
    }

    [Fact]
    public void BrokenTiktokenFilesNameTheLine()
    {
        var path = Path.Combine(_dir, "tokenizer.model");
        File.WriteAllText(path, "IQ== 0\nIg== 2\n");
        var e = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("line 2", e.Message);
        File.WriteAllLines(path, Enumerable.Range(0, 300).Select(r => Convert.ToBase64String(BitConverter.GetBytes(r)) + " " + r));
        var size = Assert.Throws<TokenizerException>(() => TokenizerLoader.Load(_dir));
        Assert.Contains("300 tokens", size.Message);
    }
}
