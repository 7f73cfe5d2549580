using AttentionLens.Analysis;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Report;

/// <summary>
/// Writes a report as one standalone HTML file that draws with the editor panels' own code: the
/// server writes the text (title, notes, facts, tables, timings, method citations) and, per analysis
/// and comparison, a `.lens` element holding the protocol JSON (<see cref="ReportJson"/>); the inlined
/// report bundle (<see cref="ReportAssets"/>) mounts Token Rings, Flow Trace, Influence, Layer Graph
/// and Heads into it. Nothing is loaded from anywhere (no src, no href, no CDN), so it opens offline,
/// and a strict Content-Security-Policy (no network, only the embedded script and style by hash) says so;
/// every piece of model or user text is escaped, in markup and in the embedded JSON alike.
/// </summary>
public static class HtmlReport
{
    public static void Write(TextWriter writer, ReportModel report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        var w = writer;
        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        // Before any script or style, so the policy governs them all (ReportAssets.ContentSecurityPolicy).
        w.Write($"<meta http-equiv=\"Content-Security-Policy\" content=\"{ReportAssets.ContentSecurityPolicy}\">");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.Write($"<title>{Markup.Escape(report.Title)}</title><style>{ReportAssets.Style}</style></head><body class=\"report\">\n");
        w.Write($"<header><h1>{Markup.Escape(report.Title)}</h1>");
        foreach (var note in report.Notes)
        {
            w.Write($"<p>{Markup.Escape(note)}</p>");
        }

        w.Write("<p class=\"hint\">Click a token in any drawing to trace its paths in every drawing of the same analysis; Play steps through the layers.</p></header>\n");
        foreach (var table in report.Tables)
        {
            WriteTable(w, table);
        }

        for (var i = 0; i < report.Analyses.Count; i++)
        {
            WriteAnalysis(w, report.Analyses[i], $"analysis-{i + 1}");
        }

        for (var i = 0; i < report.Comparisons.Count; i++)
        {
            WriteComparison(w, report.Comparisons[i], $"comparison-{i + 1}");
        }

        if (report.TimingsMs is { Count: > 0 } timings)
        {
            WriteTable(w, new ReportTable("Timings of the whole run", ["stage", "ms"], timings.Select(t => (IReadOnlyList<string>)[t.Key, Markup.N(t.Value, "0.0")]).ToArray()));
        }

        w.Write("<footer>Attention Lens · methods as defined in docs/methods.md (rollout and flow: Abnar &amp; Zuidema 2020; influence and comparison: our reading of DeRose et al. 2020; value norms: Kobayashi et al. 2020; Token Rings after DeRose et al. 2020, Heads after BertViz).</footer>\n");
        w.Write($"<script>{ReportAssets.Script}</script></body></html>\n");
    }

    private static void WriteAnalysis(TextWriter w, ReportAnalysis a, string id)
    {
        var r = a.Result;
        var tokens = a.Tokens;
        w.Write($"<section class=\"analysis\" id=\"{id}\"><h2>{Markup.Escape(a.Name)}</h2>");
        if (a.Description is not null)
        {
            w.Write($"<p>{Markup.Escape(a.Description)}</p>");
        }

        w.Write("<dl>");
        if (a.Text is not null)
        {
            Fact(w, "text", a.Text);
        }

        if (a.Model is { } m)
        {
            Fact(w, "model", $"{m.Architecture} ({m.ModelType}): {m.Layers} layers, {m.Heads} heads, hidden {m.HiddenSize}, vocabulary {m.VocabSize}, {m.ParameterCount:N0} parameters{(m.IsCausal ? ", causal" : "")}");
        }

        Fact(w, "target", r.Target >= 0 && r.Target < tokens.Count ? $"token {r.Target}: {tokens[r.Target].Text}" : $"token {r.Target}");
        var dto = ReportJson.Analysis(a, id);
        if ((a.Prediction ?? (dto.Prediction is { } p ? PredictionDescription.Describe(p) : null)) is { } prediction)
        {
            Fact(w, "prediction", prediction);
        }

        w.Write("</dl>");
        var attention = ReportJson.Attention(a, id);
        w.Write($"<div class=\"lens\" data-lens=\"analysis\" data-attention-note=\"{Markup.Escape(ReportJson.AttentionNote(a))}\">");
        Embed(w, "analyze", ReportJson.ForScript(dto, ProtocolJsonContext.Default.AnalyzeResult));
        if (attention is not null)
        {
            Embed(w, "attention", ReportJson.ForScript(attention, ProtocolJsonContext.Default.AttentionResult));
        }

        NoScript(w);
        w.Write("</div>");

        if (r.Faithfulness is { } f)
        {
            w.Write($"<h3>Faithfulness</h3><p class=\"hint\">Spearman ρ between each method and leave-one-out occlusion ({Markup.Escape(f.TargetDescription)}).</p>");
            WriteTable(w, new ReportTable("", ["method", "Spearman ρ"],
                f.Spearman.Select(kv => (IReadOnlyList<string>)[SvgFigures.MethodLabel(kv.Key), double.IsFinite(kv.Value) ? Markup.N(kv.Value, "0.000") : "undefined"]).ToArray()));
        }

        if (r.TimingsMs.Count > 0)
        {
            WriteTable(w, new ReportTable("Timings", ["stage", "ms"], r.TimingsMs.Select(t => (IReadOnlyList<string>)[t.Key, Markup.N(t.Value, "0.00")]).ToArray()));
        }

        w.Write("</section>\n");
    }

    private static void WriteComparison(TextWriter w, ReportComparison c, string id)
    {
        var all = c.Shared.Count + c.OnlyA.Count + c.OnlyB.Count;
        w.Write($"<section class=\"comparison\" id=\"{id}\"><h2>Comparison: {Markup.Escape(c.NameA)} vs {Markup.Escape(c.NameB)}</h2>");
        w.Write($"<p>Traced edges in both: <b>{c.Shared.Count}</b>; only in {Markup.Escape(c.NameA)}: <b>{c.OnlyA.Count}</b>; only in {Markup.Escape(c.NameB)}: <b>{c.OnlyB.Count}</b>; shared share (Jaccard) {Markup.N(all == 0 ? 1 : (double)c.Shared.Count / all, "0.000")}.</p>");
        if (ReportJson.Comparison(c, id) is { } compare)
        {
            w.Write("<div class=\"lens\" data-lens=\"comparison\">");
            Embed(w, "compare", ReportJson.ForScript(compare, ProtocolJsonContext.Default.CompareResult));
            NoScript(w);
            w.Write("</div>");
        }
        else
        {
            w.Write("<p class=\"hint\">The compared analyses are not part of this report, so the edges are not drawn.</p>");
        }

        if (c.Scores.Count > 0)
        {
            var header = new List<string> { "method" };
            header.AddRange(c.Tokens.Select((t, i) => $"{i}:{t.Text}"));
            var rows = c.Scores.Select(kv => (IReadOnlyList<string>)[SvgFigures.MethodLabel(kv.Key), .. kv.Value.Difference.Select(d => Markup.N(d, "+0.000;-0.000;0"))]).ToArray();
            w.Write("<div class=\"table-scroll\">");
            WriteTable(w, new ReportTable($"Score change per token, {c.NameB} − {c.NameA}", header, rows));
            w.Write("</div>");
        }

        if (c.Merge is not null)
        {
            w.Write($"<p class=\"hint\">{Markup.Escape(c.Merge)}</p>");
        }

        w.Write("</section>\n");
    }

    /// <summary>One JSON record for the bundle; <paramref name="json"/> holds no '&lt;' (<see cref="ReportJson.ForScript"/>).</summary>
    private static void Embed(TextWriter w, string part, string json) =>
        w.Write($"<script type=\"application/json\" data-part=\"{part}\">{json}</script>");

    private static void NoScript(TextWriter w) =>
        w.Write("<noscript><p class=\"warning\">The drawings need JavaScript; the tables below do not.</p></noscript>");

    private static void WriteTable(TextWriter w, ReportTable table)
    {
        w.Write("<table>");
        if (table.Caption.Length > 0)
        {
            w.Write($"<caption>{Markup.Escape(table.Caption)}</caption>");
        }

        w.Write("<thead><tr>");
        foreach (var h in table.Header)
        {
            w.Write($"<th>{Markup.Escape(h)}</th>");
        }

        w.Write("</tr></thead><tbody>");
        foreach (var row in table.Rows)
        {
            w.Write("<tr>");
            foreach (var cell in row)
            {
                w.Write($"<td>{Markup.Escape(cell)}</td>");
            }

            w.Write("</tr>");
        }

        w.Write("</tbody></table>");
    }

    private static void Fact(TextWriter w, string name, string value) =>
        w.Write($"<dt>{Markup.Escape(name)}</dt><dd>{Markup.Escape(value)}</dd>");
}
