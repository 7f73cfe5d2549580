using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AttentionLens.Tokenizers.PreTokenizers;
using Ml = Microsoft.ML.Tokenizers;

namespace AttentionLens.Tokenizers.Library;

/// <summary>
/// Builds Microsoft.ML.Tokenizers (3.0.0) tokenizers from the files of a Hugging Face checkpoint, for
/// the formats where the library is used or measured against: GPT-2-style byte-level BPE (through its
/// tiktoken engine, or its <c>BpeTokenizer</c>), BERT WordPiece, and tiktoken-format files. Which
/// implementation serves which format, and why, is in the README's tokenizer section.
/// </summary>
public static class MlTokenizerFactory
{
    /// <summary>GPT-2's pre-tokenization pattern (the same as <see cref="Normalizers.Pattern.Gpt2Regex"/>).</summary>
    private const string Gpt2Pattern = Normalizers.Pattern.Gpt2Regex;

    /// <summary>
    /// A tiktoken-engine tokenizer for a GPT-2-style byte-level vocabulary (vocab.json). tiktoken's
    /// BPE merges the adjacent pair whose concatenation has the lowest rank; GPT-2's vocabulary lists
    /// tokens in merge order, so rank = id reproduces its merges exactly (OpenAI's r50k_base is this
    /// file). Only valid when ids follow merge order (GPT-2; not RoBERTa, whose ids were remapped).
    /// </summary>
    public static Ml.TiktokenTokenizer TiktokenFromByteLevelVocab(string vocabJson, IReadOnlyDictionary<string, int>? specialTokens = null)
    {
        var vocab = ReadVocab(vocabJson);
        specialTokens ??= new Dictionary<string, int>();
        var lines = new StringBuilder();
        var bytes = new List<byte>();
        foreach (var (token, id) in vocab.OrderBy(p => p.Value))
        {
            if (specialTokens.ContainsKey(token)) continue;
            bytes.Clear();
            var ok = true;
            foreach (var c in token)
            {
                var b = ByteLevelAlphabet.Decode(c);
                if (b < 0) { ok = false; break; }
                bytes.Add((byte)b);
            }
            if (!ok) continue;
            lines.Append(Convert.ToBase64String(bytes.ToArray())).Append(' ').Append(id).Append('\n');
        }
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(lines.ToString()));
        var pre = new Ml.RegexPreTokenizer(new Regex(Gpt2Pattern, RegexOptions.Compiled), specialTokens);
        return Ml.TiktokenTokenizer.Create(stream, pre, null, specialTokens);
    }

    /// <summary>The library's byte-level <c>BpeTokenizer</c> from vocab.json + merges.txt (GPT-2, RoBERTa).</summary>
    public static Ml.BpeTokenizer ByteLevelBpe(string vocabJson, string mergesTxt, IReadOnlyDictionary<string, int>? specialTokens = null)
    {
        var options = new Ml.BpeOptions(vocabJson, mergesTxt)
        {
            ByteLevel = true,
            PreTokenizer = new Ml.RegexPreTokenizer(new Regex(Gpt2Pattern, RegexOptions.Compiled), specialTokens),
            SpecialTokens = specialTokens,
        };
        return Ml.BpeTokenizer.Create(options);
    }

    /// <summary>The library's <c>BertTokenizer</c> from vocab.txt, configured as bert-base-uncased
    /// (lower-casing, accent stripping, CJK isolation).</summary>
    public static Ml.BertTokenizer Bert(string vocabTxt, bool lowercase = true) =>
        Ml.BertTokenizer.Create(vocabTxt, new Ml.BertOptions
        {
            LowerCaseBeforeTokenization = lowercase,
            RemoveNonSpacingMarks = lowercase,
            IndividuallyTokenizeCjk = true,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
        });

    /// <summary>The library tokenizer to compare against for a checkpoint folder, or null when the
    /// folder has no format it reads the same way: vocab.txt → BERT; vocab.json + merges.txt →
    /// tiktoken engine (GPT-2) when ids follow merge order, else <c>BpeTokenizer</c>.</summary>
    public static Ml.Tokenizer? Baseline(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        var vocabJson = Path.Combine(directory, "vocab.json");
        var merges = Path.Combine(directory, "merges.txt");
        if (File.Exists(vocabJson) && File.Exists(merges))
        {
            var specials = SpecialTokens(directory, vocabJson);
            return IdsFollowMergeOrder(vocabJson) ? TiktokenFromByteLevelVocab(vocabJson, specials) : ByteLevelBpe(vocabJson, merges, specials);
        }
        var vocabTxt = Path.Combine(directory, "vocab.txt");
        return File.Exists(vocabTxt) ? Bert(vocabTxt) : null;
    }

    /// <summary>The special added tokens: from tokenizer.json's <c>added_tokens</c> when present,
    /// else the vocabulary's <c>&lt;|...|&gt;</c> and <c>&lt;s&gt;</c>-style entries.</summary>
    private static Dictionary<string, int> SpecialTokens(string directory, string vocabJson)
    {
        var json = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(json))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            if (doc.RootElement.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
                return added.EnumerateArray()
                    .Where(t => t.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True)
                    .GroupBy(t => t.GetProperty("content").GetString()!)
                    .ToDictionary(g => g.Key, g => g.First().GetProperty("id").GetInt32());
        }
        return ReadVocab(vocabJson).Where(p => p.Key is ['<', .., '>'] && p.Key.Length <= 16 && !p.Key.Contains(' '))
            .ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>Whether the 256 single-byte tokens hold ids 0..255, every merged token coming after
    /// them: GPT-2's layout, where ids follow merge order so that rank = id (RoBERTa's fairseq
    /// remapping fails this). A heuristic for choosing the benchmark baseline only.</summary>
    private static bool IdsFollowMergeOrder(string vocabJson)
    {
        var vocab = ReadVocab(vocabJson);
        for (var b = 0; b < 256; b++)
        {
            if (!vocab.TryGetValue(ByteLevelAlphabet.Encode((byte)b).ToString(), out var id) || id >= 256) return false;
        }
        return true;
    }

    internal static Dictionary<string, int> ReadVocab(string vocabJson)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))
                ?? throw new TokenizerException(vocabJson, "", "is empty; expected an object of token → id.");
        }
        catch (JsonException e)
        {
            throw new TokenizerException(vocabJson, "", $"is not a JSON object of token → id: {e.Message}", e);
        }
    }
}
