using System.Text;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>All four real tokenizers × 34 sentences against Hugging Face's Rust tokenizers 0.23.2:
/// ids, special-token mask and UTF-16 offsets exactly, and the decoded text.</summary>
public class GoldenTokenizerTests
{
    public static TheoryData<string> Tokenizers => new() { "gpt2", "bert-base-uncased", "roberta-base", "stories260K-tok512" };

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void EncodingMatchesReference(string name)
    {
        var tokenizer = TokenizerLoader.Load(SharedData.Path("golden", "tokenizers", name));
        var cases = GoldenCase.Load(name);
        Assert.Equal(34, cases.Count);
        var failures = new StringBuilder();
        var failed = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var e = tokenizer.Encode(c.Text);
            var diff = FirstDifference(c, e);
            if (diff is null) continue;
            failed++;
            if (failures.Length < 4000) failures.AppendLine($"sentence {i} {Quote(c.Text)}: {diff}");
        }
        Assert.True(failed == 0, $"{name}: {failed} of {cases.Count} sentences differ from the reference.\n{failures}");
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void DecodeMatchesReference(string name)
    {
        var tokenizer = TokenizerLoader.Load(SharedData.Path("golden", "tokenizers", name));
        var cases = GoldenCase.Load(name);
        for (var i = 0; i < cases.Count; i++)
        {
            var decoded = tokenizer.Decode(cases[i].Ids);
            Assert.True(decoded == cases[i].Decoded,
                $"{name} sentence {i} {Quote(cases[i].Text)}: decoded {Quote(decoded)}, reference {Quote(cases[i].Decoded)}");
        }
    }

    private static string? FirstDifference(GoldenCase c, AttentionLens.Tokenizers.Encoding e)
    {
        var n = Math.Max(c.Ids.Length, e.Count);
        for (var k = 0; k < n; k++)
        {
            if (k >= e.Count) return $"position {k}: missing, reference {Quote(c.Tokens[k])} id {c.Ids[k]}";
            if (k >= c.Ids.Length) return $"position {k}: extra token {Quote(e.Tokens[k].Text)} id {e.Tokens[k].Id}";
            var t = e.Tokens[k];
            if (t.Id != c.Ids[k]) return $"position {k}: id {t.Id} {Quote(t.Text)}, reference {c.Ids[k]} {Quote(c.Tokens[k])}";
            if (t.IsSpecial != (c.SpecialMask[k] == 1)) return $"position {k} {Quote(t.Text)}: special {t.IsSpecial}, reference {c.SpecialMask[k]}";
            if (t.Source.Start != c.OffsetsUtf16[k][0] || t.Source.End != c.OffsetsUtf16[k][1])
                return $"position {k} {Quote(t.Text)}: offsets [{t.Source.Start},{t.Source.End}), reference [{c.OffsetsUtf16[k][0]},{c.OffsetsUtf16[k][1]})";
        }
        return null;
    }

    internal static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s,
        new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
