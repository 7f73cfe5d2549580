using AttentionLens.Analysis;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Report;

/// <summary>
/// Writes a report as one standalone HTML file: inline CSS, inline SVG figures and a few lines of
/// inline script, no external resource (no CDN, no font, no image), so it opens offline. Every
/// piece of model or user text (tokens, names, notes) is escaped.
/// </summary>
public static class HtmlReport
{
    public static void Write(TextWriter writer, ReportModel report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        var w = writer;
        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.Write($"<title>{Markup.Escape(report.Title)}</title><style>{Css}</style></head><body>\n");
        w.Write($"<header><h1>{Markup.Escape(report.Title)}</h1>");
        foreach (var note in report.Notes)
        {
            w.Write($"<p>{Markup.Escape(note)}</p>");
        }

        w.Write("<p class=\"controls\"><button type=\"button\" id=\"expand\">expand all</button> <button type=\"button\" id=\"collapse\">collapse all</button></p></header>\n");
        foreach (var table in report.Tables)
        {
            WriteTable(w, table);
        }

        foreach (var analysis in report.Analyses)
        {
            WriteAnalysis(w, analysis);
        }

        foreach (var comparison in report.Comparisons)
        {
            WriteComparison(w, comparison);
        }

        if (report.TimingsMs is { Count: > 0 } timings)
        {
            WriteTable(w, new ReportTable("Timings of the whole run", ["stage", "ms"], timings.Select(t => (IReadOnlyList<string>)[t.Key, Markup.N(t.Value, "0.0")]).ToArray()));
        }

        w.Write($"<footer>Attention Lens · methods as defined in docs/algorithms.md (rollout and flow: Abnar &amp; Zuidema 2020; influence and comparison: our reading of DeRose et al. 2020; value norms: Kobayashi et al. 2020).</footer><script>{Script}</script></body></html>\n");
    }

    private static void WriteAnalysis(TextWriter w, ReportAnalysis a)
    {
        var r = a.Result;
        var tokens = a.Tokens;
        var labels = tokens.Select((t, i) => $"{i}:{t.Text}").ToArray();
        w.Write($"<section><h2>{Markup.Escape(a.Name)}</h2>");
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
        if (a.Prediction is not null)
        {
            Fact(w, "prediction", a.Prediction);
        }

        w.Write("</dl><h3>Token scores for the target</h3><p class=\"hint\">Colour spans each row from its smallest to its largest value; hover a cell for its exact score. The target is outlined.</p><div class=\"fig\">");
        SvgFigures.TokenStrips(w, tokens, SvgFigures.MethodRows(r), r.Target);
        w.Write("</div>");

        if (r.Faithfulness is { } f)
        {
            w.Write($"<h3>Faithfulness</h3><p class=\"hint\">Spearman ρ between each method and leave-one-out occlusion ({Markup.Escape(f.TargetDescription)}).</p>");
            WriteTable(w, new ReportTable("", ["method", "Spearman ρ"], f.Spearman.Select(kv => (IReadOnlyList<string>)[kv.Key.ToString(), Markup.N(kv.Value, "0.000")]).ToArray()));
        }

        w.Write("<details><summary>Rollout and flow, layer by layer</summary><div class=\"fig\">");
        var layerLabels = Enumerable.Range(1, r.Layers).Select(l => $"layer {l}").ToArray();
        SvgFigures.Heatmap(w, r.RolloutByLayer, layerLabels, labels, "Rollout of the target after each layer");
        if (r.Flow is { } flow)
        {
            SvgFigures.Heatmap(w, flow.ByLayer, layerLabels, labels, "Flow from the target after each layer");
        }

        SvgFigures.Heatmap(w, r.Rollout, labels, labels, "Rollout after the last layer: row = position, column = input token");
        w.Write("</div></details>");

        if (r.ValueNorms is { } v)
        {
            w.Write("<details><summary>Value-weighted attention norms (Kobayashi et al. 2020)</summary><div class=\"fig\">");
            SvgFigures.Heatmap(w, v.Received, layerLabels, labels, "Received: Σ_j N[l][i, j]");
            SvgFigures.Heatmap(w, v.Emitted, layerLabels, labels, "Emitted: Σ_i N[l][i, j]");
            if (v.Norms.Count > 0)
            {
                SvgFigures.Heatmap(w, v.Norms[^1], labels, labels, "Last layer N[i, j]");
            }

            w.Write("</div></details>");
        }

        if (r.Influence is { } inf)
        {
            w.Write($"<details><summary>Traced attention graph ({inf.Edges.Count} edges)</summary><div class=\"fig\">");
            SvgFigures.TracedGraph(w, tokens, r.Layers, inf.Edges.Select(e => (e, "#2166ac", "traced")).ToArray());
            w.Write("</div></details>");
        }

        if (r.TimingsMs.Count > 0)
        {
            WriteTable(w, new ReportTable("Timings", ["stage", "ms"], r.TimingsMs.Select(t => (IReadOnlyList<string>)[t.Key, Markup.N(t.Value, "0.00")]).ToArray()));
        }

        w.Write("</section>\n");
    }

    private static void WriteComparison(TextWriter w, ReportComparison c)
    {
        var all = c.Shared.Count + c.OnlyA.Count + c.OnlyB.Count;
        w.Write($"<section><h2>Comparison: {Markup.Escape(c.NameA)} vs {Markup.Escape(c.NameB)}</h2>");
        w.Write($"<p>Traced edges in both: <b>{c.Shared.Count}</b>; only in {Markup.Escape(c.NameA)}: <b class=\"a\">{c.OnlyA.Count}</b>; only in {Markup.Escape(c.NameB)}: <b class=\"b\">{c.OnlyB.Count}</b>; shared share (Jaccard) {Markup.N(all == 0 ? 1 : (double)c.Shared.Count / all, "0.000")}.</p><div class=\"fig\">");
        var edges = c.Shared.Select(e => (e, "#999", "both"))
            .Concat(c.OnlyA.Select(e => (e, "#2166ac", $"only {c.NameA}")))
            .Concat(c.OnlyB.Select(e => (e, "#e66101", $"only {c.NameB}")))
            .ToArray();
        SvgFigures.TracedGraph(w, c.Tokens, c.Layers, edges);
        w.Write("</div>");
        if (c.Scores.Count > 0)
        {
            w.Write($"<h3>Score change, {Markup.Escape(c.NameB)} − {Markup.Escape(c.NameA)}</h3><p class=\"hint\">Blue: the method gives the token more in {Markup.Escape(c.NameB)}; orange: less.</p><div class=\"fig\">");
            var rows = c.Scores.Select(kv => (SvgFigures.MethodLabel(kv.Key), kv.Value.Difference)).ToArray();
            SvgFigures.TokenStrips(w, c.Tokens, rows, -1, signed: true);
            w.Write("</div>");
        }

        if (c.Merge is not null)
        {
            w.Write($"<p class=\"hint\">{Markup.Escape(c.Merge)}</p>");
        }

        w.Write("</section>\n");
    }

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

    private const string Css =
        "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#111;background:#fafafa}" +
        "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin-bottom:4px}" +
        "section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 16px;margin:16px 0}" +
        "dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{color:#555}dd{margin:0}" +
        ".fig{overflow-x:auto;display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.hint{color:#666;font-size:12px;margin:2px 0}" +
        "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}caption{text-align:left;font-weight:600}" +
        "summary{cursor:pointer;margin:8px 0}.a{color:#2166ac}.b{color:#e66101}footer{color:#777;font-size:12px;margin:24px 0}";

    private const string Script =
        "document.getElementById('expand').onclick=function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});};" +
        "document.getElementById('collapse').onclick=function(){document.querySelectorAll('details').forEach(function(d){d.open=false;});};";
}
