using AttentionLens.Analysis;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Report;

/// <summary>
/// The figures of `--format svg` as self-contained SVG elements (with xmlns, so each is also valid
/// as a nested element of a standalone SVG); the HTML report draws with the panels' views instead.
/// Every label is escaped; every cell and edge carries a &lt;title&gt; with its exact value.
/// </summary>
internal static class SvgFigures
{
    private const double LabelWidth = 200;
    private const double RowHeight = 26;
    private const string Font = "font-family=\"system-ui, sans-serif\" font-size=\"12\"";

    /// <summary>Per-token widths from the token text (about 7 px per character, at least 34 px).</summary>
    public static double[] TokenWidths(IReadOnlyList<Token> tokens) =>
        tokens.Select(t => Math.Max(34, 7.2 * t.Text.Length + 12)).ToArray();

    /// <summary>Rows of token cells coloured by each method's scores (each row between its own
    /// minimum and maximum, or, when <paramref name="signed"/>, orange-white-blue by the largest
    /// absolute value); the target token's cells are outlined. Returns the figure's height.</summary>
    public static double TokenStrips(TextWriter w, IReadOnlyList<Token> tokens, IReadOnlyList<(string Label, double[] Scores)> rows, int target, double x = 0, double y = 0, bool signed = false)
    {
        var widths = TokenWidths(tokens);
        var width = LabelWidth + widths.Sum() + 4;
        var height = RowHeight * (rows.Count + 1) + 6;
        w.Write($"<svg xmlns=\"http://www.w3.org/2000/svg\" x=\"{Markup.N(x)}\" y=\"{Markup.N(y)}\" width=\"{Markup.N(width)}\" height=\"{Markup.N(height)}\" viewBox=\"0 0 {Markup.N(width)} {Markup.N(height)}\" {Font} role=\"img\">");
        var cx = LabelWidth;
        for (var i = 0; i < tokens.Count; i++)
        {
            var weight = i == target ? "bold" : "normal";
            w.Write($"<text x=\"{Markup.N(cx + widths[i] / 2)}\" y=\"17\" text-anchor=\"middle\" font-weight=\"{weight}\" fill=\"{(tokens[i].IsSpecial ? "#777" : "#111")}\"><title>token {i}: {Markup.Escape(tokens[i].Text)} (id {tokens[i].Id})</title>{Markup.Escape(tokens[i].Text)}</text>");
            cx += widths[i];
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var (label, scores) = rows[r];
            var ry = RowHeight * (r + 1);
            var norm = signed ? Markup.NormaliseSigned(scores) : Markup.Normalise(scores);
            w.Write($"<text x=\"{Markup.N(LabelWidth - 8)}\" y=\"{Markup.N(ry + 17)}\" text-anchor=\"end\">{Markup.Escape(label)}</text>");
            cx = LabelWidth;
            for (var i = 0; i < tokens.Count && i < scores.Length; i++)
            {
                var stroke = i == target ? " stroke=\"#c2185b\" stroke-width=\"2\"" : " stroke=\"#fff\"";
                w.Write($"<rect x=\"{Markup.N(cx)}\" y=\"{Markup.N(ry + 2)}\" width=\"{Markup.N(widths[i] - 2)}\" height=\"{Markup.N(RowHeight - 4)}\" rx=\"3\" fill=\"{(signed ? Markup.Diverge(norm[i]) : Markup.Heat(norm[i]))}\"{stroke}><title>{Markup.Escape(label)} · {Markup.Escape(tokens[i].Text)}: {Markup.N(scores[i], "0.0000")}</title></rect>");
                w.Write($"<text x=\"{Markup.N(cx + widths[i] / 2 - 1)}\" y=\"{Markup.N(ry + 17)}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{Markup.Ink(norm[i])}\" pointer-events=\"none\">{Markup.N(scores[i], "0.00")}</text>");
                cx += widths[i];
            }
        }

        w.Write("</svg>");
        return height;
    }

    /// <summary>
    /// A layered traced graph: layer 0 (the input tokens) at the bottom, layer L at the top; each
    /// edge (l, From) → (l−1, To) is a line whose opacity follows its weight.
    /// </summary>
    public static void TracedGraph(TextWriter w, IReadOnlyList<Token> tokens, int layers, IReadOnlyList<(TracedEdge Edge, string Colour, string Kind)> edges, double x = 0, double y = 0)
    {
        var widths = TokenWidths(tokens);
        const double left = 60, layerGap = 70, top = 16;
        var centres = new double[tokens.Count];
        var cx = left;
        for (var i = 0; i < tokens.Count; i++)
        {
            centres[i] = cx + widths[i] / 2;
            cx += widths[i];
        }

        var width = cx + 10;
        var height = top + layerGap * layers + 40;
        double Y(int layer) => top + layerGap * (layers - layer);
        w.Write($"<svg xmlns=\"http://www.w3.org/2000/svg\" x=\"{Markup.N(x)}\" y=\"{Markup.N(y)}\" width=\"{Markup.N(width)}\" height=\"{Markup.N(height)}\" viewBox=\"0 0 {Markup.N(width)} {Markup.N(height)}\" {Font} role=\"img\">");
        foreach (var (e, colour, kind) in edges)
        {
            if (e.From < 0 || e.From >= tokens.Count || e.To < 0 || e.To >= tokens.Count || e.Layer < 1 || e.Layer > layers)
            {
                continue;
            }

            w.Write($"<line x1=\"{Markup.N(centres[e.From])}\" y1=\"{Markup.N(Y(e.Layer))}\" x2=\"{Markup.N(centres[e.To])}\" y2=\"{Markup.N(Y(e.Layer - 1))}\" stroke=\"{colour}\" stroke-width=\"{Markup.N(0.8 + 2.5 * e.Weight)}\" stroke-opacity=\"{Markup.N(0.25 + 0.65 * Math.Clamp(e.Weight, 0, 1))}\"><title>{Markup.Escape(kind)}: layer {e.Layer} head {e.Head}: {Markup.Escape(tokens[e.From].Text)} → {Markup.Escape(tokens[e.To].Text)} ({Markup.N(e.Weight, "0.000")})</title></line>");
        }

        for (var l = 0; l <= layers; l++)
        {
            w.Write($"<text x=\"4\" y=\"{Markup.N(Y(l) + 4)}\" fill=\"#555\">{(l == 0 ? "input" : $"layer {l}")}</text>");
            for (var i = 0; i < tokens.Count; i++)
            {
                w.Write($"<circle cx=\"{Markup.N(centres[i])}\" cy=\"{Markup.N(Y(l))}\" r=\"4\" fill=\"#fff\" stroke=\"#333\"/>");
            }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            w.Write($"<text x=\"{Markup.N(centres[i])}\" y=\"{Markup.N(Y(0) + 22)}\" text-anchor=\"middle\">{Markup.Escape(tokens[i].Text)}</text>");
        }

        w.Write("</svg>");
    }

    /// <summary>The row label of a method's token scores.</summary>
    public static string MethodLabel(AnalysisMethod method) => MethodRegistry.Label(method);

    /// <summary>The method rows a report shows for one analysis, in a fixed order, skipping methods not computed.</summary>
    public static IReadOnlyList<(string Label, double[] Scores)> MethodRows(AnalysisResult result)
    {
        var rows = new List<(string, double[])>();
        void Add(string label, double[]? scores)
        {
            if (scores is not null)
            {
                rows.Add((label, scores));
            }
        }

        Add(MethodLabel(AnalysisMethod.Attention), result.Attention);
        Add(MethodLabel(AnalysisMethod.Rollout), result.ScoresFor(AnalysisMethod.Rollout));
        Add(MethodLabel(AnalysisMethod.Flow), result.Flow?.Normalised);
        Add("flow Shapley values", result.Flow?.Shapley);
        Add(MethodLabel(AnalysisMethod.Influence), result.Influence?.Scores);
        Add(MethodLabel(AnalysisMethod.ValueNorms), result.ValueNorms?.Scores);
        Add(MethodLabel(AnalysisMethod.Faithfulness), result.Faithfulness?.Occlusion);
        return rows;
    }
}
