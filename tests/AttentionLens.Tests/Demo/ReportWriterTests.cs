using System.Xml.Linq;
using AttentionLens.Analysis;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Report;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Demo;

/// <summary>The report writers on a hand-made analysis whose tokens try to break the markup.</summary>
public class ReportWriterTests
{
    private static readonly string[] Nasty = ["[CLS]", "</script><script>alert(1)</script>", "a&b", "\"q'", "x\u0001y", "<svg onload=1><!--", "[SEP]"];
    private const string Text = "text & <tags>";

    internal static ReportModel Model(float[]? attentions = null)
    {
        var t = Nasty.Length;
        var tokens = Nasty.Select((s, i) => new Token(i, s, new TextRange(i, i + 1), i == 0 || i == t - 1)).ToArray();
        double[] Row(int seed) => Enumerable.Range(0, t).Select(j => (double)((j * 7 + seed) % t) / t).ToArray();
        var rollout = new Matrix(t, t, Enumerable.Range(0, t * t).Select(i => (double)(i % 5) / 5).ToArray());
        var byLayer = new Matrix(2, t, Row(1).Concat(Row(2)).ToArray());
        var edges = new[] { new TracedEdge(2, 0, 0, 1, 0.6), new TracedEdge(1, 1, 1, 3, 0.2) };
        var result = new AnalysisResult
        {
            Layers = 2,
            Heads = 2,
            Tokens = t,
            Target = 0,
            Rollout = rollout,
            RolloutByLayer = byLayer,
            Attention = Row(3),
            Flow = new FlowScores(Row(4), Row(5), byLayer, Row(6)),
            Influence = new InfluenceScores(Row(7), byLayer, byLayer, edges),
            ValueNorms = new ValueNormScores([rollout, rollout], new Matrix(4, t, new double[4 * t]), byLayer, byLayer, Row(8)),
            Faithfulness = new FaithfulnessScores(Row(9), "class logit <plural>", new Dictionary<AnalysisMethod, double> { [AnalysisMethod.Flow] = 0.5 }),
            TimingsMs = new Dictionary<string, double> { ["forward"] = 1.5 },
        };
        var a = new ReportAnalysis("model <x>", tokens, result) { Prediction = "plural <p>", Text = Text, Attentions = attentions };
        var b = a with { Name = "other </script>" };
        var comparison = new ComparisonResult(
            tokens.Select((tok, i) => new AlignedUnit(tok.Source, [i], [i])).ToArray(),
            SameTokenization: true,
            new Dictionary<AnalysisMethod, ScoreComparison> { [AnalysisMethod.Rollout] = new ScoreComparison(Row(1), Row(2), Row(3)) },
            [edges[0]],
            [edges[1]],
            [new TracedEdge(1, 0, 2, 2, 0.9)],
            "one token per unit");
        return new ReportModel
        {
            Title = "Title <b>&",
            Notes = ["note with <i>markup</i>"],
            Analyses = [a, b],
            Comparisons = [ReportComparison.From(comparison, a, b) with { NameA = "A<", NameB = "B>" }],
            Tables = [new ReportTable("table <c>", ["h<"], [["v>"]])],
            TimingsMs = new Dictionary<string, double> { ["total"] = 3 },
        };
    }

    private static string Html(ReportModel model)
    {
        var w = new StringWriter();
        HtmlReport.Write(w, model);
        return w.ToString();
    }

    [Fact]
    public void HtmlEscapesEveryTokenAndLoadsNothingExternal()
    {
        var html = Html(Model());
        Assert.StartsWith("<!DOCTYPE html>", html);
        foreach (var raw in new[] { "</script><script>alert", "<svg onload", "<!--", "<b>&", "<i>markup", "<x>", "<p>\"", "\u0001" })
        {
            Assert.DoesNotContain(raw, html, StringComparison.Ordinal);
        }

        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("a&amp;b", html);
        Assert.Contains("only in A&lt;", html);
        Assert.Contains("B&gt; − A&lt;", html);
        // One script element runs (the bundle, inlined); the others are JSON data. Nothing is fetched.
        Assert.Equal(1, CountOf(html, "<script>"));
        Assert.Equal(CountOf(html, "<script"), 1 + CountOf(html, "<script type=\"application/json\""));
        Assert.Contains($"<script>{ReportAssets.Script}</script>", html, StringComparison.Ordinal);
        Assert.Contains($"<style>{ReportAssets.Style}</style>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("https://", html);
        var page = html.Replace(ReportAssets.Script, "", StringComparison.Ordinal);
        Assert.DoesNotContain("href=", page);
        Assert.DoesNotContain("<link", page);
        // The bundle's only href is the Heads view's SVG export, which fills it with a data: URL of its own canvas.
        Assert.All(Occurrences(ReportAssets.Script, "href="), i => Assert.StartsWith("href=\"${", ReportAssets.Script[i..], StringComparison.Ordinal));
        // Every http:// left is an XML namespace name inside the bundle (D3's), never a location.
        Assert.All(Occurrences(html, "http://"), i => Assert.StartsWith("http://www.w3.org/", html[i..], StringComparison.Ordinal));
    }

    [Fact]
    public void EmbeddedJsonRoundTripsThroughTheProtocolContext()
    {
        var model = Model();
        var html = Html(model);
        var analyses = Parts(html, "analyze").Select(j => System.Text.Json.JsonSerializer.Deserialize(j, ProtocolJsonContext.Default.AnalyzeResult)!).ToList();
        Assert.Equal(2, analyses.Count);
        for (var k = 0; k < analyses.Count; k++)
        {
            var expected = ReportJson.Analysis(model.Analyses[k], $"analysis-{k + 1}");
            var got = analyses[k];
            Assert.Equal(Nasty, got.Tokens.Select(t => t.Text));
            Assert.Equal(expected.Tokens, got.Tokens);
            Assert.Equal(model.Analyses[k].Name, got.Model.Id);
            Assert.Equal(expected.Rollout.Data, got.Rollout.Data);
            Assert.Equal(expected.RolloutByLayer!.Data, got.RolloutByLayer!.Data);
            Assert.Equal(expected.Influence!.Edges, got.Influence!.Edges);
            Assert.Equal(expected.ValueNorms!.Received.Data, got.ValueNorms!.Received.Data);
            Assert.Equal(expected.Faithfulness!.Spearman, got.Faithfulness!.Spearman);
        }

        var compare = System.Text.Json.JsonSerializer.Deserialize(Assert.Single(Parts(html, "compare")), ProtocolJsonContext.Default.CompareResult)!;
        Assert.Equal(Nasty, compare.A.Tokens.Select(t => t.Text));
        Assert.Equal("other </script>", compare.B.Model.Id);
        Assert.True(compare.Difference.SameTokenization);
        Assert.Equal(new EdgeDto(2, 0, 0, 1, 0.6), Assert.Single(compare.Difference.SharedEdges));
        Assert.Equal(new EdgeDto(1, 0, 2, 2, 0.9), Assert.Single(compare.Difference.OnlyB));
        // Unit ranges are positions in the analysed text, as tokens' ranges are.
        Assert.Equal(new AttentionLens.Server.Protocol.Range(new Position(0, 3), new Position(0, 4)), compare.Difference.Units[3].Range);
        Assert.Equal(compare.A.Tokens[3].Range, compare.Difference.Units[3].Range);
        // Without per-head attention the views are told why, instead of getting data.
        Assert.Empty(Parts(html, "attention"));
        Assert.Contains("data-attention-note=\"Per-head attention is not part of this report", html, StringComparison.Ordinal);
    }

    [Fact]
    public void PerHeadAttentionIsEmbeddedWhenSmallAndExplainedWhenLarge()
    {
        const int values = 2 * 2 * 7 * 7;
        var attentions = Enumerable.Range(0, values).Select(i => i / (float)values).ToArray();
        var html = Html(Model(attentions));
        var parts = Parts(html, "attention");
        Assert.Equal(2, parts.Count);
        var attention = System.Text.Json.JsonSerializer.Deserialize(parts[0], ProtocolJsonContext.Default.AttentionResult)!;
        Assert.Equal(7, attention.Tokens);
        Assert.Equal(4, attention.Matrices.Count);
        foreach (var m in attention.Matrices)
        {
            // (L, H, T, T) layout: layer 1..L, head 0..H−1, as attentionLens/attention numbers them.
            var start = ((m.Layer - 1) * 2 + m.Head) * 49;
            Assert.Equal(attentions[start..(start + 49)], m.Data);
        }

        var large = Model(new float[ReportJson.MaxAttentionValues + 1]);
        Assert.Null(ReportJson.Attention(large.Analyses[0], "x"));
        Assert.Contains("too large to embed", ReportJson.AttentionNote(large.Analyses[0]), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ReportJson.Attention(Model(new float[5]).Analyses[0], "x"));
    }

    [Fact]
    public void ScriptJsonNeverHoldsALessThanSign()
    {
        var json = ReportJson.ForScript(ReportJson.Analysis(Model().Analyses[0], "a"), ProtocolJsonContext.Default.AnalyzeResult);
        Assert.DoesNotContain('<', json);
        Assert.Contains("\\u003C/script", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SvgIsWellFormedXmlWithTheTokensAsText()
    {
        var w = new StringWriter();
        var model = Model();
        SvgReport.Write(w, model with { Analyses = [model.Analyses[0]], Comparisons = [model.Comparisons[0] with { Scores = new Dictionary<AnalysisMethod, ScoreComparison>() }] });
        var doc = XDocument.Parse(w.ToString());
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(svg + "svg", doc.Root!.Name);
        var texts = doc.Descendants(svg + "text").Select(e => e.Value).ToList();
        Assert.Contains(texts, s => s.Contains("</script><script>alert(1)</script>"));
        Assert.Contains(texts, s => s.Contains("a&b"));
        Assert.Contains(texts, s => s.Contains("x\uFFFDy"));
        // One rect per token and method row (7 rows × 7 tokens) plus the background.
        Assert.Equal(7 * Nasty.Length + 1, doc.Descendants(svg + "rect").Count());
        Assert.Equal(3, doc.Descendants(svg + "line").Count());
    }

    /// <summary>The contents of every &lt;script type="application/json" data-part=part&gt;, cut at the
    /// first "&lt;/script" as a browser would: a hostile token that closed it early would fail the parse.</summary>
    internal static List<string> Parts(string html, string part)
    {
        var open = $"<script type=\"application/json\" data-part=\"{part}\">";
        return Occurrences(html, open).Select(i =>
        {
            var start = i + open.Length;
            return html[start..html.IndexOf("</script", start, StringComparison.OrdinalIgnoreCase)];
        }).ToList();
    }

    private static List<int> Occurrences(string text, string part)
    {
        var at = new List<int>();
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            at.Add(i);
        }

        return at;
    }

    private static int CountOf(string text, string part) => Occurrences(text, part).Count;
}
