using System.Text.Json;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>One sentence of a <c>golden/tokenizers/*/golden.json</c>: what Hugging Face's Rust
/// tokenizers returns for it.</summary>
public sealed record GoldenCase(string Text, int[] Ids, string[] Tokens, int[][] OffsetsUtf16, int[] SpecialMask, string Decoded)
{
    public static List<GoldenCase> Load(string tokenizer)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "tokenizers", tokenizer, "golden.json")));
        var result = new List<GoldenCase>();
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            result.Add(new GoldenCase(
                r.GetProperty("text").GetString()!,
                r.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                r.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                r.GetProperty("offsets_utf16").EnumerateArray().Select(e => e.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray(),
                r.GetProperty("special_tokens_mask").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                r.GetProperty("decoded").GetString()!));
        }
        return result;
    }
}
