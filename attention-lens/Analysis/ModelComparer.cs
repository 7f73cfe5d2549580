using AttentionLens.Tokenizers;

namespace AttentionLens.Analysis;

/// <summary>
/// Compares two analyses of the same text (docs/methods.md §6: which traced edges are shared and which
/// exclusive, after DeRose et al. 2020; plus per-token score differences for every method both have).
/// </summary>
public static class ModelComparer
{
    public const string MergeDescription =
        "Tokens are aligned through their character ranges; tokens of either analysis that overlap form one unit. " +
        "A unit's score is the SUM of its tokens' scores (scores are shares of a whole, so sums keep totals); " +
        "an edge between tokens maps to an edge between their units, keeping the largest weight when several map together.";

    public static ComparisonResult Compare(AnalysisResult a, IReadOnlyList<Token> tokensA, AnalysisResult b, IReadOnlyList<Token> tokensB, string textA, string textB)
    {
        if (!string.Equals(textA, textB, StringComparison.Ordinal))
        {
            int at = 0;
            while (at < Math.Min(textA.Length, textB.Length) && textA[at] == textB[at]) at++;
            throw new AnalysisException($"The two analyses are of different texts (they first differ at character {at}); compare analyses of the same text.", "text");
        }
        if (tokensA.Count != a.Tokens)
            throw new AnalysisException($"Analysis A has {a.Tokens} tokens but {tokensA.Count} tokens were given for it.", "tokensA");
        if (tokensB.Count != b.Tokens)
            throw new AnalysisException($"Analysis B has {b.Tokens} tokens but {tokensB.Count} tokens were given for it.", "tokensB");
        foreach (var (tokens, name) in new[] { (tokensA, "A"), (tokensB, "B") })
        {
            foreach (var t in tokens)
            {
                if (t.Source.Start < 0 || t.Source.End > textA.Length || t.Source.End < t.Source.Start)
                    throw new AnalysisException($"Token '{t.Text}' of analysis {name} has range [{t.Source.Start}, {t.Source.End}) outside the text of length {textA.Length}.", "tokens" + name);
            }
        }
        bool same = tokensA.Count == tokensB.Count && tokensA.Zip(tokensB).All(p => p.First.Source == p.Second.Source);
        var units = same
            ? tokensA.Select((t, k) => new AlignedUnit(t.Source, [k], [k])).ToArray()
            : TokenAlignment.Align(tokensA, tokensB);
        var unitOfA = new int[tokensA.Count];
        var unitOfB = new int[tokensB.Count];
        for (int u = 0; u < units.Count; u++)
        {
            foreach (var k in units[u].TokensA) unitOfA[k] = u;
            foreach (var k in units[u].TokensB) unitOfB[k] = u;
        }

        var scores = new Dictionary<AnalysisMethod, ScoreComparison>();
        foreach (var method in AnalysisMethod.All)
        {
            var sa = a.ScoresFor(method);
            var sb = b.ScoresFor(method);
            if (sa is null || sb is null) continue;
            var ua = new double[units.Count];
            var ub = new double[units.Count];
            for (int k = 0; k < sa.Length; k++) ua[unitOfA[k]] += sa[k];
            for (int k = 0; k < sb.Length; k++) ub[unitOfB[k]] += sb[k];
            scores[method] = new ScoreComparison(ua, ub, ub.Zip(ua, (y, x) => y - x).ToArray());
        }

        var edgesA = Edges(a, unitOfA);
        var edgesB = Edges(b, unitOfB);
        var shared = edgesA.Where(kv => edgesB.ContainsKey(kv.Key)).Select(kv => kv.Value).ToArray();
        var onlyA = edgesA.Where(kv => !edgesB.ContainsKey(kv.Key)).Select(kv => kv.Value).ToArray();
        var onlyB = edgesB.Where(kv => !edgesA.ContainsKey(kv.Key)).Select(kv => kv.Value).ToArray();
        return new ComparisonResult(units, same, scores, shared, onlyA, onlyB, same ? "Same tokenization: tokens compared one to one." : MergeDescription);
    }

    // Edges keyed by (layer, head, from unit, to unit); the largest weight wins a collision.
    private static SortedDictionary<(int, int, int, int), TracedEdge> Edges(AnalysisResult r, int[] unitOf)
    {
        var map = new SortedDictionary<(int, int, int, int), TracedEdge>();
        if (r.Influence is null) return map;
        foreach (var e in r.Influence.Edges)
        {
            var key = (e.Layer, e.Head, unitOf[e.From], unitOf[e.To]);
            if (!map.TryGetValue(key, out var old) || old.Weight < e.Weight)
                map[key] = new TracedEdge(e.Layer, e.Head, key.Item3, key.Item4, e.Weight);
        }
        return map;
    }
}
