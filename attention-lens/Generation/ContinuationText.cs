using AttentionLens.Tokenizers;

namespace AttentionLens.Generation;

/// <summary>
/// The text of a continuation as the tokenizer decodes it after the prompt, and each generated
/// token's share of it. A token's text depends on what precedes it (SentencePiece drops the leading
/// space of the first piece of a decode; byte-level BPE can split one character over tokens), so
/// each share is what decoding prompt + tokens 0…i adds to decoding prompt + tokens 0…i−1, and the
/// shares concatenate to the continuation exactly.
/// </summary>
public static class ContinuationText
{
    /// <returns>The continuation (the full decode less the prompt's decode) and one piece per generated id.</returns>
    public static (string Text, string[] Pieces) Decode(ITokenizer tokenizer, IReadOnlyList<int> promptIds, IReadOnlyList<int> generatedIds)
    {
        var ids = new List<int>(promptIds);
        var previous = tokenizer.Decode(ids, skipSpecialTokens: true);
        var prompt = previous;
        var pieces = new string[generatedIds.Count];
        for (int i = 0; i < generatedIds.Count; i++)
        {
            ids.Add(generatedIds[i]);
            var current = tokenizer.Decode(ids, skipSpecialTokens: true);
            int common = CommonPrefix(previous, current);
            // Normally current extends previous; where a later token rewrote the end (a completed
            // multi-byte character replacing U+FFFD), the rewritten part counts as this token's.
            pieces[i] = current[common..];
            if (common < previous.Length && i > 0) pieces[i - 1] = pieces[i - 1][..Math.Max(0, pieces[i - 1].Length - (previous.Length - common))];
            previous = current;
        }
        int shared = CommonPrefix(prompt, previous);
        return (previous[shared..], pieces);
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
