using System.CommandLine;
using System.Text.Json;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Report;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens analyze`: Analyze a text with a model (the same result as attentionLens/analyze).</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Required = true, Description = "Checkpoint folder, or a model id from `attention-lens models`." };
        var text = new Option<string>("--text") { Required = true, Description = "The text to analyse." };
        var target = new Option<int?>("--target") { CustomParser = CliAnalysis.ParseTarget, Description = "Token index to explain (default: first token for encoders, last for decoders)." };
        var methods = new Option<string?>("--methods") { Description = $"Comma-separated, any of: {string.Join(", ", MethodNames.All)} (rollout is always included; default attention, rollout, flow, influence, valueNorms)." };
        var format = new Option<string>("--format") { Description = "json (default), html (standalone report) or svg (figure).", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "html", "svg");
        var output = new Option<string?>("--out") { Description = "Write the result to this file instead of stdout (missing parent folders are created)." };
        var label = new Option<string?>("--label") { Description = "Explain this label (id2label name or id; for LMs a token or vocabulary id) instead of the prediction." };
        var contrast = new Option<string?>("--contrast") { Description = "Contrastive: explain why the prediction (or --label) rather than this label or token (id2label name or id; for LMs a token or vocabulary id); the explained quantity becomes the logit difference." };
        var igSteps = new Option<int?>("--ig-steps") { Description = "Integrated gradients: points on the path (midpoint rule), default 32." };
        var igBaseline = new Option<string?>("--ig-baseline") { Description = "Integrated gradients' baseline: zero (default), pad or mask." };
        var qaEnd = new Option<bool>("--qa-end") { Description = "Question answering: explain the end of the predicted span (default: its start)." };
        var context = new Option<string?>("--context") { Description = "Question answering: the context; --text is then the question (or put both in --text separated by |||)." };
        var budget = CliAnalysis.MemoryBudgetOption();
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Longest input analysed (default 512)." };
        var command = new Command("analyze", "Analyze a text with a model.") { model, text, target, methods, label, contrast, qaEnd, context, format, output, budget, maxTokens, igSteps, igBaseline };
        command.SetAction(async (parseResult, ct) =>
        {
            var fmt = parseResult.GetValue(format)!;
            var outFile = CliOutput.Prepare(parseResult.GetValue(output));
            var cli = new CliAnalysis(memoryBudgetMb: parseResult.GetValue(budget), maxTokens: parseResult.GetValue(maxTokens));
            var request = CliAnalysis.Request(parseResult.GetValue(text)!, parseResult.GetValue(model)!, parseResult.GetValue(target), parseResult.GetValue(methods), parseResult.GetValue(context))
                with
                {
                    Label = parseResult.GetValue(label), Contrast = parseResult.GetValue(contrast), QaEnd = parseResult.GetValue(qaEnd),
                    Options = parseResult.GetValue(igSteps) is null && parseResult.GetValue(igBaseline) is null ? null
                        : new AnalyzeOptions { IgSteps = parseResult.GetValue(igSteps), IgBaseline = parseResult.GetValue(igBaseline) },
                };
            AnalyzeResult? result = null;
            StoredAnalysis? stored = null;
            var code = await cli.RunAsync("analyze", async progress => (result, stored) = await cli.Service.AnalyzeAsync(request, progress, ct).ConfigureAwait(false)).ConfigureAwait(false);
            if (code != 0) return code;
            var attentions = fmt == "html" ? await PerHeadAttentionAsync(cli.Service, stored!, ct).ConfigureAwait(false) : null;
            var document = fmt == "json"
                ? JsonSerializer.Serialize(result!, CliAnalysis.Indented.GetTypeInfo(typeof(AnalyzeResult)))
                : Render(fmt, result!, stored!, attentions);
            await CliAnalysis.WriteAsync(document, outFile).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The same analysis as a standalone HTML page or SVG figure (the demo's report writer).</summary>
    private static string Render(string format, AnalyzeResult result, StoredAnalysis stored, float[]? attentions)
    {
        var report = new ReportModel
        {
            Title = $"Attention Lens — {System.IO.Path.GetFileName(stored.ModelPath.TrimEnd('/'))}",
            Analyses = [new ReportAnalysis(result.Model.Id, stored.SourceTokens, stored.Result) { Text = stored.Text, Attentions = attentions, PredictionDetail = result.Prediction }],
            TimingsMs = result.Timings,
        };
        using var writer = new StringWriter();
        if (format == "html") HtmlReport.Write(writer, report);
        else SvgReport.Write(writer, report);
        return writer.ToString();
    }

    /// <summary>
    /// The (L, H, T, T) per-head attention for the report's Heads and Layer Graph drawings, from the same
    /// attentionLens/attention the panels use; null (the report then says why) when it is too large to embed.
    /// </summary>
    private static async Task<float[]?> PerHeadAttentionAsync(AnalysisService service, StoredAnalysis stored, CancellationToken ct)
    {
        var r = stored.Result;
        if ((long)r.Layers * r.Heads * r.Tokens * r.Tokens > ReportJson.MaxAttentionValues) return null;
        var all = await service.AttentionAsync(new AttentionParams { AnalysisId = stored.Id }, ct).ConfigureAwait(false);
        return all.Matrices.OrderBy(m => m.Layer).ThenBy(m => m.Head).SelectMany(m => m.Data).ToArray();
    }
}
