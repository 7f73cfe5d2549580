namespace AttentionLens.Server.Report;

/// <summary>
/// Writes a report's main figure as one standalone SVG document: for every analysis its heading
/// and the token-score rows of every method, then every comparison's traced graph. Text is
/// escaped and the document is well-formed XML.
/// </summary>
public static class SvgReport
{
    public static void Write(TextWriter writer, ReportModel report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        var body = new StringWriter();
        double y = 30, width = 400;
        body.Write($"<text x=\"8\" y=\"20\" font-size=\"16\" font-weight=\"bold\">{Markup.Escape(report.Title)}</text>");
        foreach (var a in report.Analyses)
        {
            var heading = a.Prediction is null ? a.Name : $"{a.Name} — {a.Prediction}";
            body.Write($"<text x=\"8\" y=\"{Markup.N(y + 16)}\" font-size=\"13\" font-weight=\"bold\">{Markup.Escape(heading)}</text>");
            y += 22;
            y += SvgFigures.TokenStrips(body, a.Tokens, SvgFigures.MethodRows(a.Result), a.Result.Target, 0, y) + 10;
            width = Math.Max(width, 200 + SvgFigures.TokenWidths(a.Tokens).Sum() + 10);
        }

        foreach (var c in report.Comparisons)
        {
            body.Write($"<text x=\"8\" y=\"{Markup.N(y + 16)}\" font-size=\"13\" font-weight=\"bold\">{Markup.Escape($"{c.NameA} (blue) vs {c.NameB} (orange), shared grey")}</text>");
            y += 22;
            var edges = c.Shared.Select(e => (e, "#999", "both"))
                .Concat(c.OnlyA.Select(e => (e, "#2166ac", $"only {c.NameA}")))
                .Concat(c.OnlyB.Select(e => (e, "#e66101", $"only {c.NameB}")))
                .ToArray();
            SvgFigures.TracedGraph(body, c.Tokens, c.Layers, edges, 0, y);
            y += 16 + 70 * c.Layers + 40 + 10;
            width = Math.Max(width, 60 + SvgFigures.TokenWidths(c.Tokens).Sum() + 10);
        }

        writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writer.Write($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Markup.N(width)}\" height=\"{Markup.N(y)}\" viewBox=\"0 0 {Markup.N(width)} {Markup.N(y)}\" font-family=\"system-ui, sans-serif\">");
        writer.Write($"<title>{Markup.Escape(report.Title)}</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        writer.Write(body.ToString());
        writer.Write("</svg>\n");
    }
}
