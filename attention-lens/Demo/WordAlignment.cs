using AttentionLens.Tokenizers;

namespace AttentionLens.Demo;

/// <summary>Maps the grammar's word indices to token positions through the tokens' source offsets,
/// so nothing assumes where the special tokens sit.</summary>
public static class WordAlignment
{
    /// <summary>The position of the first non-special token that starts where word
    /// <paramref name="word"/> of the single-space-separated <paramref name="text"/> starts.</summary>
    public static int TokenOfWord(Encoding encoding, string text, int word)
    {
        var start = 0;
        for (var w = 0; w < word; w++)
        {
            start = text.IndexOf(' ', start) + 1;
            if (start == 0)
            {
                throw new AttentionLensException($"'{text}' has no word {word}.");
            }
        }

        for (var i = 0; i < encoding.Count; i++)
        {
            var t = encoding.Tokens[i];
            if (!t.IsSpecial && t.Source.Start == start)
            {
                return i;
            }
        }

        throw new AttentionLensException($"No token of '{text}' starts at word {word} (character {start}): the tokenizer does not match the demo grammar's words.");
    }

    /// <summary>Positions of the non-special tokens: the candidates a method may rank.</summary>
    public static int[] WordTokens(Encoding encoding) =>
        Enumerable.Range(0, encoding.Count).Where(i => !encoding.Tokens[i].IsSpecial).ToArray();
}
