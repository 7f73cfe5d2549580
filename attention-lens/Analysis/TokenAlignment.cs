using AttentionLens.Tokenizers;

namespace AttentionLens.Analysis;

/// <summary>
/// Aligns two tokenizations of one text through the tokens' character ranges
/// (<see cref="Token.Source"/>). Tokens of A and B whose ranges overlap belong to the same unit, and
/// units are closed under overlap (union–find), so "New|York" against "NewYork" is one unit and a
/// piece split differently on both sides never straddles two units. Tokens with an empty range
/// (special tokens such as [CLS], or byte pieces that share a character's span) join a unit of the
/// other side's empty tokens at the same offset, in order of appearance; an unmatched one forms a
/// unit of its own side only.
/// </summary>
public static class TokenAlignment
{
    public static IReadOnlyList<AlignedUnit> Align(IReadOnlyList<Token> a, IReadOnlyList<Token> b)
    {
        int na = a.Count, nb = b.Count;
        var parent = Enumerable.Range(0, na + nb).ToArray();
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        void Union(int x, int y) => parent[Find(x)] = Find(y);

        // Overlap of non-empty ranges: sweep both sides by start offset.
        var events = Enumerable.Range(0, na + nb)
            .Select(k => (Index: k, Range: k < na ? a[k].Source : b[k - na].Source))
            .Where(e => e.Range.Length > 0)
            .OrderBy(e => e.Range.Start).ThenBy(e => e.Index)
            .ToArray();
        var open = new List<(int Index, TextRange Range)>();
        foreach (var e in events)
        {
            open.RemoveAll(o => o.Range.End <= e.Range.Start);
            foreach (var o in open)
            {
                bool crossSide = (o.Index < na) != (e.Index < na);
                if (crossSide) Union(o.Index, e.Index);
            }
            open.Add(e);
        }
        // Tokens of one side that overlap each other (byte pieces of one character) are also joined.
        for (int k = 1; k < na + nb; k++)
        {
            var prev = k - 1 < na ? a[k - 1].Source : b[k - 1 - na].Source;
            var cur = k < na ? a[k].Source : b[k - na].Source;
            if (k == na) continue;
            if (prev.Length > 0 && cur.Length > 0 && cur.Start < prev.End) Union(k - 1, k);
        }
        // Empty ranges: pair A's and B's at the same offset in order.
        var emptyB = Enumerable.Range(0, nb).Where(k => b[k].Source.Length == 0).GroupBy(k => b[k].Source.Start).ToDictionary(g => g.Key, g => new Queue<int>(g));
        for (int k = 0; k < na; k++)
        {
            if (a[k].Source.Length != 0) continue;
            if (emptyB.TryGetValue(a[k].Source.Start, out var q) && q.Count > 0) Union(k, na + q.Dequeue());
        }

        var groups = Enumerable.Range(0, na + nb).GroupBy(Find);
        var units = new List<AlignedUnit>();
        foreach (var g in groups)
        {
            var members = g.ToArray();
            var ranges = members.Select(k => k < na ? a[k].Source : b[k - na].Source).ToArray();
            int start = ranges.Min(r => r.Start), end = ranges.Max(r => r.End);
            units.Add(new AlignedUnit(new TextRange(start, end),
                members.Where(k => k < na).OrderBy(k => k).ToArray(),
                members.Where(k => k >= na).Select(k => k - na).OrderBy(k => k).ToArray()));
        }
        // Text order; at equal offsets an empty unit (e.g. [CLS]) before the text it precedes, then
        // by the first token position so the order is stable.
        return units
            .OrderBy(u => u.Range.Start)
            .ThenBy(u => u.Range.Length > 0 ? 1 : 0)
            .ThenBy(u => u.TokensA.Length > 0 ? u.TokensA[0] : int.MaxValue)
            .ThenBy(u => u.TokensB.Length > 0 ? u.TokensB[0] : int.MaxValue)
            .ToArray();
    }
}
