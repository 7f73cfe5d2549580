using AttentionLens.Tokenizers.Json;
using AttentionLens.Tokenizers.Pipeline;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>Small hand-written tokenizer.json fixtures for the stages the real tokenizers do not use.</summary>
internal static class StageFixtures
{
    /// <summary>Loads a tokenizer.json given as text (written to a temporary file).</summary>
    public static PipelineTokenizer FromJson(string json)
    {
        var dir = Directory.CreateTempSubdirectory("al-tokjson-").FullName;
        try
        {
            var file = Path.Combine(dir, "tokenizer.json");
            File.WriteAllText(file, json);
            return TokenizerJsonLoader.Load(file);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Runs a pre-tokenizer on a text and returns (piece, original start, original end).</summary>
    public static (string Piece, int Start, int End)[] PreTokenize(IPreTokenizer pre, string text)
    {
        var pts = new PreTokenizedString([new Split(NormalizedString.FromOriginal(text))]);
        pre.PreTokenize(pts);
        return pts.Splits.Select(s =>
        {
            var r = s.Normalized.OriginalRange(0, s.Normalized.Length);
            return (s.Normalized.Text, r.Start, r.End);
        }).ToArray();
    }
}
