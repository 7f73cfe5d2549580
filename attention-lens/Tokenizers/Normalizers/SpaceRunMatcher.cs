namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>
/// The two regexes every Hugging Face tokenizer.json converted from SentencePiece (Llama, Mistral,
/// TinyLlama, stories*) puts in its Metaspace normalizer, <c>\A +| +\z</c> (strip) and <c> {2,}</c>
/// (collapse), matched by hand. Building any .NET regex for them on the model load path costs
/// more than the rest of the tokenizer: the non-backtracking engine JITs about 300 generic methods
/// ReadyToRun cannot precompile (50-200 ms cold, measured; scripts/bench-server-startup.sh). Both
/// are linear scans that give the regex's leftmost, greedy, non-overlapping matches (spaces are
/// U+0020 only, as in the pattern); TokenizerPatternFastPathTests checks them against .NET's Regex.
/// </summary>
internal static class SpaceRunMatcher
{
    /// <summary>A run of two or more spaces.</summary>
    public const string Runs = " {2,}";

    /// <summary>The spaces at the start of the text, and those at its end.</summary>
    public const string Edges = @"\A +| +\z";

    public static bool Handles(string regex) => regex is Runs or Edges;

    public static void Match(string regex, string text, List<(int Start, int End)> result)
    {
        if (regex == Runs) MatchRuns(text, result);
        else MatchEdges(text, result);
    }

    private static void MatchRuns(string text, List<(int Start, int End)> result)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != ' ') { i++; continue; }
            var start = i;
            while (i < text.Length && text[i] == ' ') i++;
            if (i - start >= 2) result.Add((start, i));
        }
    }

    private static void MatchEdges(string text, List<(int Start, int End)> result)
    {
        var lead = 0;
        while (lead < text.Length && text[lead] == ' ') lead++;
        if (lead > 0) result.Add((0, lead));
        // " +\z" matches first where only spaces remain; the leading match may have taken them all.
        var trail = text.Length;
        while (trail > lead && text[trail - 1] == ' ') trail--;
        if (trail < text.Length) result.Add((trail, text.Length));
    }
}
