using System.Text.Json;
using AttentionLens.Tokenizers.Models;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Builds the runtime model from the <c>model</c> section. A section without "type" is
/// recognized by its fields, as the reference does (bert-base-uncased's WordPiece has none).</summary>
public static class ModelBuilder
{
    private static readonly string[] Known = ["BPE", "WordPiece", "WordLevel", "Unigram"];

    public static IModel Build(JsonSection s)
    {
        var type = s.Has("type") ? s.Type : InferType(s);
        return type switch
        {
            "BPE" => BuildBpe(s),
            "WordPiece" => new WordPieceModel(ReadVocab(s), s.GetStringOrNull("unk_token") ?? "[UNK]",
                s.GetStringOrNull("continuing_subword_prefix") ?? "##", s.GetInt("max_input_chars_per_word", 100)),
            "WordLevel" => new WordLevelModel(ReadVocab(s), s.GetStringOrNull("unk_token") ?? "<unk>"),
            "Unigram" => BuildUnigram(s),
            _ => throw s.UnknownType(Known),
        };
    }

    private static string InferType(JsonSection s)
    {
        var vocab = s.Get("vocab");
        if (vocab.Element.ValueKind == JsonValueKind.Array) return "Unigram";
        if (s.Has("merges")) return "BPE";
        if (s.Has("continuing_subword_prefix") || s.Has("max_input_chars_per_word")) return "WordPiece";
        return "WordLevel";
    }

    public static Vocabulary ReadVocab(JsonSection s)
    {
        var vocab = s.Get("vocab");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, value) in vocab.Properties()) ids[name] = value.AsInt();
        if (ids.Count == 0) throw vocab.Error("", "is empty; a tokenizer needs a vocabulary.");
        return new Vocabulary(ids);
    }

    private static BpeModel BuildBpe(JsonSection s)
    {
        var vocab = ReadVocab(s);
        var prefix = s.GetStringOrNull("continuing_subword_prefix");
        var merges = RankedMerges.Build(ReadMerges(s.Get("merges")), vocab, prefix, s.File, s.Path + ".merges");
        return new BpeModel(vocab, merges, s.GetStringOrNull("unk_token"), prefix, s.GetStringOrNull("end_of_word_suffix"),
            s.GetBool("byte_fallback", false), s.GetBool("fuse_unk", false), s.GetBool("ignore_merges", false));
    }

    private static IEnumerable<(string, string)> ReadMerges(JsonSection merges)
    {
        foreach (var item in merges.Items())
        {
            if (item.Element.ValueKind == JsonValueKind.String)
            {
                var text = item.AsString();
                var space = text.IndexOf(' ', 1);
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                    throw item.Error("", $"merge \"{text}\" is not two tokens separated by one space.");
                yield return (text[..space], text[(space + 1)..]);
            }
            else
            {
                var parts = item.Items().Select(p => p.AsString()).ToArray();
                if (parts.Length != 2) throw item.Error("", "a merge must be a pair of two tokens.");
                yield return (parts[0], parts[1]);
            }
        }
    }

    private static UnigramModel BuildUnigram(JsonSection s)
    {
        var pieces = new List<(string, double)>();
        foreach (var item in s.Get("vocab").Items())
        {
            var pair = item.Items().ToArray();
            if (pair.Length != 2) throw item.Error("", "a Unigram vocabulary entry must be [piece, score].");
            pieces.Add((pair[0].AsString(), pair[1].AsDouble()));
        }
        if (pieces.Count == 0) throw s.Error("vocab", "is empty; a tokenizer needs a vocabulary.");
        int? unk = s.Has("unk_id") ? s.GetInt("unk_id", 0) : null;
        if (unk is int u && (u < 0 || u >= pieces.Count)) throw s.Error("unk_id", $"{u} is outside the vocabulary (size {pieces.Count}).");
        return new UnigramModel(pieces, unk, s.GetBool("byte_fallback", false));
    }
}
