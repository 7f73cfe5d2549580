using System.Text;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>
/// A deterministic multi-megabyte test text (seeded, nothing downloaded): the 34 golden sentences
/// every 25th line, between lines of English-like words, numbers and punctuation mixed with varied
/// Unicode — accented Latin (composed and decomposed), Cyrillic, Greek, Arabic, CJK, Hangul, Devanagari,
/// emoji with modifiers and ZWJ sequences, letters outside the BMP (mathematical alphanumerics),
/// symbols, tabs and newlines.
/// </summary>
internal static class DifferentialCorpus
{
    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "that", "it", "was", "for", "on", "are", "with", "they", "be", "this", "from",
        "have", "not", "but", "what", "all", "were", "when", "there", "can", "your", "which", "said", "each", "about",
        "attention", "transformer", "tokenization", "language", "model", "weights", "don't", "it's", "they're",
        "we've", "Lily's", "information", "government", "understanding", "extraordinary", "I'll", "you'd", "I'm",
    ];

    private static readonly string[] Exotic =
    [
        "café", "naïve", "e\u0301l\u00e8ve", "Ærøskøbing", "Привет", "мир", "Γειά", "σου", "مرحبا", "日本語", "分割します",
        "我想在", "안녕하세요", "세계", "नमस्ते", "😀", "👍🏽", "🇺🇸", "👨‍👩‍👧", "❤️", "\U0001D4B3\U0001D4B4", "x\U0001D400y",
        "\U00020000字", "€12", "½", "ﬁne", "ＡＢＣ１２３", "∑∫√", "a+=b", "<div>", "[i]", "#tag", "@user", "~/path", "\t", "\ttab",
        "line\nbreak", "x\r\ny", "  ", "...", "--", "«quoted»", "“smart”", "•", "→", "©", "\u200b", "\u00a0",
    ];

    /// <summary>Lines of about <paramref name="targetChars"/> UTF-16 units in total.</summary>
    public static List<string> Lines(int targetChars, int seed = 20261206)
    {
        var golden = GoldenCase.Load("gpt2").Select(c => c.Text).ToArray();
        var random = new Random(seed);
        var lines = new List<string>();
        var sb = new StringBuilder();
        var total = 0;
        while (total < targetChars)
        {
            string line;
            if (lines.Count % 25 == 0)
            {
                line = golden[lines.Count / 25 % golden.Length];
            }
            else
            {
                sb.Clear();
                var n = 5 + random.Next(20);
                for (var i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(random.Next(15) == 0 ? ", " : " ");
                    var r = random.Next(100);
                    var w = r < 8 ? Exotic[random.Next(Exotic.Length)]
                        : r < 11 ? random.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : Words[random.Next(Words.Length)];
                    if (i == 0 && char.IsLower(w[0])) w = char.ToUpperInvariant(w[0]) + w[1..];
                    sb.Append(w);
                }
                sb.Append(random.Next(5) == 0 ? "?" : ".");
                line = sb.ToString();
            }
            lines.Add(line);
            total += line.Length + 1;
        }
        return lines;
    }

    /// <summary>Whether the text has a letter outside the Basic Multilingual Plane.</summary>
    public static bool HasNonBmpLetter(string text)
    {
        foreach (var r in text.EnumerateRunes())
            if (r.Value > 0xFFFF && Rune.IsLetter(r)) return true;
        return false;
    }
}
