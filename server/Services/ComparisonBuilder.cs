using AttentionLens.Analysis;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>
/// The difference of two analyses of one text (shared/docs/algorithms.md §6): with the same
/// tokenization, per-method score differences B − A and the traced edges (layer, head, from, to)
/// shared by both, only in A and only in B.
/// </summary>
public static class ComparisonBuilder
{
    public static ComparisonDto Compare(StoredAnalysis a, StoredAnalysis b)
    {
        if (!a.Input.InputIds.AsSpan().SequenceEqual(b.Input.InputIds))
            return new ComparisonDto(false, $"The models tokenize the text differently ({a.Tokens.Count} vs {b.Tokens.Count} tokens, or different ids); scores and edges are compared only on one tokenization.", null, null, null, null);
        var differences = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (AnalysisMethod m in Enum.GetValues<AnalysisMethod>())
        {
            if (a.Result.ScoresFor(m) is { } sa && b.Result.ScoresFor(m) is { } sb && sa.Length == sb.Length)
                differences[MethodNames.Name(m)] = sb.Select((v, i) => v - sa[i]).ToArray();
        }
        if (a.Result.Influence is null || b.Result.Influence is null)
            return new ComparisonDto(true, null, differences, null, null, null);
        var edgesA = a.Result.Influence.Edges.DistinctBy(Key).ToDictionary(Key);
        var edgesB = b.Result.Influence.Edges.DistinctBy(Key).ToDictionary(Key);
        return new ComparisonDto(true, null, differences,
            edgesA.Where(p => edgesB.ContainsKey(p.Key)).Select(p => AnalysisMapper.Edge(p.Value)).ToArray(),
            edgesA.Where(p => !edgesB.ContainsKey(p.Key)).Select(p => AnalysisMapper.Edge(p.Value)).ToArray(),
            edgesB.Where(p => !edgesA.ContainsKey(p.Key)).Select(p => AnalysisMapper.Edge(p.Value)).ToArray());
    }

    private static (int, int, int, int) Key(TracedEdge e) => (e.Layer, e.Head, e.From, e.To);
}
