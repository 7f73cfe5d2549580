using System.Xml.Linq;
using AttentionLens.Analysis;
using AttentionLens.Server.Report;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Demo;

/// <summary>The report writers on a hand-made analysis whose tokens try to break the markup.</summary>
public class ReportWriterTests
{
    private static readonly string[] Nasty = ["[CLS]", "</script><script>alert(1)</script>", "a&b", "\"q'", "x\u0001y", "<svg onload=1>", "[SEP]"];

    private static ReportModel Model()
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
        return new ReportModel
        {
            Title = "Title <b>&",
            Notes = ["note with <i>markup</i>"],
            Analyses = [new ReportAnalysis("model <x>", tokens, result) { Prediction = "plural <p>", Text = "text & <tags>" }],
            Comparisons = [new ReportComparison("A<", "B>", tokens, 2, [edges[0]], [edges[1]], [new TracedEdge(1, 0, 2, 2, 0.9)])],
            Tables = [new ReportTable("table <c>", ["h<"], [["v>"]])],
            TimingsMs = new Dictionary<string, double> { ["total"] = 3 },
        };
    }

    [Fact]
    public void HtmlEscapesEveryTokenAndLoadsNothingExternal()
    {
        var w = new StringWriter();
        HtmlReport.Write(w, Model());
        var html = w.ToString();
        Assert.StartsWith("<!DOCTYPE html>", html);
        foreach (var raw in new[] { "</script><script>alert", "<svg onload", "<b>&", "<i>markup", "<x>", "<p>\"", "\u0001" })
        {
            Assert.DoesNotContain(raw, html, StringComparison.Ordinal);
        }

        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("a&amp;b", html);
        Assert.Contains("&quot;q&#39;", html);
        // Exactly one script element, the inline one; no external reference of any kind.
        Assert.Equal(1, CountOf(html, "<script"));
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("href=", html);
        Assert.DoesNotContain("https://", html);
        Assert.Equal(CountOf(html, "http://"), CountOf(html, "xmlns=\"http://www.w3.org/2000/svg\""));
        // Every method row the analysis has is drawn, and the comparison's three edge kinds.
        foreach (var row in new[] { "raw attention (last layer)", "rollout", "flow (max-flow)", "flow Shapley values", "influence (traced graph)", "value-weighted norms", "occlusion (ground truth)" })
        {
            Assert.Contains(row, html);
        }

        Assert.Contains("only A&lt;", html);
        Assert.Contains("only B&gt;", html);
    }

    [Fact]
    public void SvgIsWellFormedXmlWithTheTokensAsText()
    {
        var w = new StringWriter();
        SvgReport.Write(w, Model());
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

    [Fact]
    public void HtmlFiguresAreWellFormedXmlToo()
    {
        var w = new StringWriter();
        HtmlReport.Write(w, Model());
        var html = w.ToString();
        var start = 0;
        var figures = 0;
        while ((start = html.IndexOf("<svg xmlns", start, StringComparison.Ordinal)) >= 0)
        {
            var end = html.IndexOf("</svg>", start, StringComparison.Ordinal) + "</svg>".Length;
            XDocument.Parse(html[start..end]);
            figures++;
            start = end;
        }

        Assert.True(figures >= 8, $"{figures} SVG figures");
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
