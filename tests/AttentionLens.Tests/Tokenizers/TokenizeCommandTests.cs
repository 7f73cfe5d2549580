using System.Text.Json;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>`attention-lens tokenize --json` prints the reference's ids, special mask and UTF-16 offsets.</summary>
public sealed class TokenizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("al-tokcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliProcess.Run(60_000, args);

    /// <summary>`bench tokenize` measures ours and Microsoft.ML.Tokenizers on the same lines and
    /// reports both throughputs, the ratio and how many lines' ids differ (no timing is asserted).</summary>
    [Fact]
    public void BenchTokenizePrintsOursAndTheLibrary()
    {
        var input = Path.Combine(_dir, "corpus.txt");
        File.WriteAllLines(input, Enumerable.Range(0, 200).Select(i => $"Line {i} of a small corpus, with words and numbers {i * 7}."));
        var (code, stdout, stderr) = Run("bench", "tokenize", "--tokenizer", SharedData.Path("golden", "tokenizers", "gpt2"), "--file", input, "--rounds", "1");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Contains("TiktokenTokenizer", root.GetProperty("library").GetString());
        Assert.True(root.GetProperty("mb_per_s").GetDouble() > 0 && root.GetProperty("library_mb_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("ratio").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("lines_with_different_ids").GetInt32());
        Assert.Equal(root.GetProperty("tokens").GetInt64(), root.GetProperty("library_tokens").GetInt64());
    }

    [Fact]
    public void JsonLinesMatchTheGolden()
    {
        var cases = GoldenCase.Load("roberta-base");
        var picked = new[] { cases[15], cases[29] };
        var input = Path.Combine(_dir, "in.jsonl");
        File.WriteAllLines(input, picked.Select(c => JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = c.Text })));
        var (code, stdout, stderr) = Run("tokenize", "--tokenizer", SharedData.Path("golden", "tokenizers", "roberta-base"), "--input-jsonl", input, "--json");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(picked.Length, lines.Length);
        for (var i = 0; i < picked.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.Equal(picked[i].Ids, root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            Assert.Equal(picked[i].Tokens, root.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Equal(picked[i].OffsetsUtf16.Select(o => $"{o[0]},{o[1]}"),
                root.GetProperty("offsets").EnumerateArray().Select(o => $"{o[0].GetInt32()},{o[1].GetInt32()}"));
            Assert.Equal(picked[i].SpecialMask.Select(m => m == 1), root.GetProperty("special").EnumerateArray().Select(e => e.GetBoolean()));
            Assert.All(root.GetProperty("type_ids").EnumerateArray(), e => Assert.Equal(0, e.GetInt32()));
        }
    }

    [Fact]
    public void PairGivesTypeIdsAndBadInputIsAnError()
    {
        var (code, stdout, _) = Run("tokenize", "--tokenizer", SharedData.Path("golden", "tokenizers", "bert-base-uncased"), "--text", "a b", "--pair", "c", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal([0, 0, 0, 0, 1, 1], doc.RootElement.GetProperty("type_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var (bad, _, err) = Run("tokenize", "--tokenizer", _dir, "--text", "x", "--json");
        Assert.Equal(1, bad);
        Assert.Contains("No tokenizer", err);
        var (both, _, _) = Run("tokenize", "--tokenizer", _dir, "--json");
        Assert.Equal(2, both);
    }
}
