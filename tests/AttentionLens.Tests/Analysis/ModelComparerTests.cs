using AttentionLens.Analysis;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Analysis;

public class ModelComparerTests
{
    private static AnalysisResult Result(double[] attention, params TracedEdge[] edges)
    {
        int T = attention.Length;
        return new AnalysisResult
        {
            Layers = 1,
            Heads = 2,
            Tokens = T,
            Target = 0,
            Rollout = new Matrix(T, T, new double[T * T]),
            RolloutByLayer = new Matrix(1, T, new double[T]),
            Attention = attention,
            Influence = new InfluenceScores(new double[T], new Matrix(1, T, new double[T]), new Matrix(1, T, new double[T]), edges),
            TimingsMs = new Dictionary<string, double>(),
        };
    }

    private static Token Tok(string text, int start, int end, bool special = false) => new(0, text, new TextRange(start, end), special);

    [Fact]
    public void SameTokenizationComparesEdgesAndScoresOneToOne()
    {
        const string text = "a b";
        Token[] tokens = [Tok("a", 0, 1), Tok("b", 2, 3)];
        var a = Result([0.7, 0.3], new TracedEdge(1, 0, 0, 0, 0.7), new TracedEdge(1, 1, 0, 1, 0.5));
        var b = Result([0.4, 0.6], new TracedEdge(1, 0, 0, 0, 0.6), new TracedEdge(1, 0, 0, 1, 0.6));
        var c = ModelComparer.Compare(a, tokens, b, tokens, text, text);
        Assert.True(c.SameTokenization);
        Assert.Equal(new[] { (1, 0, 0, 0) }, c.SharedEdges.Select(e => (e.Layer, e.Head, e.From, e.To)));
        Assert.Equal(new[] { (1, 1, 0, 1) }, c.OnlyA.Select(e => (e.Layer, e.Head, e.From, e.To)));
        Assert.Equal(new[] { (1, 0, 0, 1) }, c.OnlyB.Select(e => (e.Layer, e.Head, e.From, e.To)));
        Assert.Equal(new[] { -0.3, 0.3 }, c.Scores[AnalysisMethod.Attention].Difference.Select(d => Math.Round(d, 12)));
    }

    /// <summary>
    /// "New York!" — A: [CLS] "New" " York" "!" ; B: "New" " Yo" "rk!" (no special token).
    /// Units: [CLS] (A only, empty range at 0), "New" (A0 ↔ B0), " York!" (A " York" and "!" with B " Yo"
    /// and "rk!", joined because "rk!" overlaps both). A's scores [.1 .2 .3 .4] → units [.1, .2, .7];
    /// B's [.5 .25 .25] → [0, .5, .5]; B − A = [−.1, .3, −.2].
    /// </summary>
    [Fact]
    public void DifferentTokenizationsAreAlignedThroughCharacterRanges()
    {
        const string text = "New York!";
        Token[] ta = [Tok("[CLS]", 0, 0, true), Tok("New", 0, 3), Tok(" York", 3, 8), Tok("!", 8, 9)];
        Token[] tb = [Tok("New", 0, 3), Tok(" Yo", 3, 6), Tok("rk!", 6, 9)];
        var a = Result([0.1, 0.2, 0.3, 0.4], new TracedEdge(1, 0, 2, 3, 0.5), new TracedEdge(1, 0, 1, 1, 0.9));
        var b = Result([0.5, 0.25, 0.25], new TracedEdge(1, 0, 1, 2, 0.4), new TracedEdge(1, 1, 0, 0, 0.3));
        var c = ModelComparer.Compare(a, ta, b, tb, text, text);
        Assert.False(c.SameTokenization);
        Assert.Equal(3, c.Units.Count);
        Assert.Equal(new[] { 0 }, c.Units[0].TokensA);
        Assert.Empty(c.Units[0].TokensB);
        Assert.Equal(new[] { 1 }, c.Units[1].TokensA);
        Assert.Equal(new[] { 0 }, c.Units[1].TokensB);
        Assert.Equal(new[] { 2, 3 }, c.Units[2].TokensA);
        Assert.Equal(new[] { 1, 2 }, c.Units[2].TokensB);
        Assert.Equal(new TextRange(3, 9), c.Units[2].Range);
        var s = c.Scores[AnalysisMethod.Attention];
        Assert.Equal(new[] { 0.1, 0.2, 0.7 }, s.A.Select(v => Math.Round(v, 12)));
        Assert.Equal(new[] { 0.0, 0.5, 0.5 }, s.B.Select(v => Math.Round(v, 12)));
        Assert.Equal(new[] { -0.1, 0.3, -0.2 }, s.Difference.Select(v => Math.Round(v, 12)));
        // A's edge " York"→"!" and B's " Yo"→"rk!" are both unit 2 → unit 2 in layer 1, head 0.
        Assert.Equal(new[] { (1, 0, 2, 2) }, c.SharedEdges.Select(e => (e.Layer, e.Head, e.From, e.To)));
        Assert.Equal(new[] { (1, 0, 1, 1) }, c.OnlyA.Select(e => (e.Layer, e.Head, e.From, e.To)));
        Assert.Equal(new[] { (1, 1, 1, 1) }, c.OnlyB.Select(e => (e.Layer, e.Head, e.From, e.To)));
        Assert.Contains("SUM", c.Merge);
    }

    [Fact]
    public void DifferentTextsAreRefused()
    {
        Token[] t = [Tok("a", 0, 1)];
        var e = Assert.Throws<AnalysisException>(() => ModelComparer.Compare(Result([1]), t, Result([1]), t, "a", "b"));
        Assert.Contains("different texts", e.Message);
    }

    [Fact]
    public void TokenCountMismatchIsRefused()
    {
        Token[] t = [Tok("a", 0, 1)];
        Assert.Throws<AnalysisException>(() => ModelComparer.Compare(Result([0.5, 0.5]), t, Result([1]), t, "a", "a"));
    }
}
