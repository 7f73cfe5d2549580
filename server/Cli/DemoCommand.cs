using System.CommandLine;
using System.Globalization;
using System.Text;
using AttentionLens.Analysis;
using AttentionLens.Demo;
using AttentionLens.Server.Report;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens demo`: the README's first command. Runs the whole pipeline on the bundled
/// sentence with the bundled models (no network, nothing from ../shared), writes a standalone
/// HTML report, prints a short summary and, on the last line, the report's full path.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the HTML report (default: <temp>/attention-lens/demo-report.html).",
        };
        var models = new Option<string?>("--models")
        {
            Description = "Folder of the demo models (default: models/demo next to the executable, else in the repository).",
        };
        var command = new Command("demo", "Run the full pipeline on the bundled models and write an HTML report.");
        command.Options.Add(output);
        command.Options.Add(models);
        command.SetAction((parse, ct) => Task.FromResult(Run(Console.Out, Console.Error, parse.GetValue(models), parse.GetValue(output), ct)));
        return command;
    }

    /// <summary>The command's work, with its streams passed in so tests can read them.</summary>
    internal static int Run(TextWriter stdout, TextWriter stderr, string? modelsDirectory, string? outputPath, CancellationToken cancellationToken)
    {
        try
        {
            // Checked first: a bad --output should not cost the whole demo run.
            var path = CliOutput.Prepare(outputPath ?? Path.Combine(Path.GetTempPath(), "attention-lens", "demo-report.html"), "--output")!;
            var models = DemoModels.Locate(modelsDirectory);
            var run = DemoPipeline.Run(models, cancellationToken: cancellationToken);
            using (var file = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                HtmlReport.Write(file, BuildReport(run, models));
            }

            stdout.Write(Summary(run, models));
            stdout.WriteLine("Report:");
            stdout.WriteLine(path);
            return 0;
        }
        catch (AttentionLensException e)
        {
            return CliErrors.Report(e, stderr);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliErrors.Report(new AttentionLensException($"cannot write the report ({e.Message}). Pass --output with a writable path.", outputPath, e), stderr);
        }
    }

    internal static ReportModel BuildReport(DemoRun run, DemoModels models)
    {
        var analyses = run.Analyses.Select(a => new ReportAnalysis(a.Name, a.Encoding.Tokens, a.Result)
        {
            Description = a.Description,
            Model = a.Model,
            Text = a.Text,
            Prediction = a.Prediction,
            Attentions = a.Attentions,
        }).ToArray();
        var pre = run.Analyses[0];
        return new ReportModel
        {
            Title = "Attention Lens demo: where does the classification token look?",
            Notes =
            [
                $"Bundled models from {models.Root}, trained by training/train.py on sentences of a small grammar with known subject–verb dependencies.",
                $"The BERT pair reads \"{pre.Text}\". Its verb carries no number, so the subject noun \"keys\" is the one word that says the subject is plural; \"cabinet\" is a singular attractor. The fine-tuned model was trained to answer exactly that question; the pre-trained one never was.",
                $"GPT-2 reads \"{run.Analyses[2].Text}\" and must choose the verb's number from the subject across the attractor.",
                "Influence and the traced-graph comparison are our operationalisation of DeRose et al. (2020), see docs/methods.md §6; faithfulness compares every method with leave-one-out occlusion (§8).",
            ],
            Analyses = analyses,
            Comparisons = [ReportComparison.From(run.Comparison, analyses[0], analyses[1])],
            TimingsMs = run.TimingsMs,
        };
    }

    /// <summary>Top tokens per method, faithfulness ρ and timings, a few lines per model.</summary>
    internal static string Summary(DemoRun run, DemoModels models)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Attention Lens demo (models: {models.Root})");
        foreach (var a in run.Analyses)
        {
            var tokens = a.Encoding.Tokens;
            sb.AppendLine();
            sb.AppendLine(c, $"{a.Name}: \"{a.Text}\"  target {a.Result.Target} '{tokens[a.Result.Target].Text}'{(a.Prediction is null ? "" : $"  → {a.Prediction}")}");
            var all = Enumerable.Range(0, tokens.Count).ToArray();
            foreach (var method in PlausibilityBenchmark.Methods)
            {
                if (a.Result.ScoresFor(method) is not { } scores)
                {
                    continue;
                }

                var top = TokenRanking.Top(scores, all, 3).Select(i => string.Create(c, $"{tokens[i].Text} {scores[i]:0.00}"));
                sb.AppendLine(c, $"  {PlausibilityTable.MethodName(method),-28} {string.Join(", ", top)}");
            }

            if (a.Result.Faithfulness is { } f)
            {
                sb.AppendLine(c, $"  faithfulness ρ vs occlusion: {string.Join(", ", f.Spearman.Select(kv => string.Create(c, $"{kv.Key} {kv.Value:0.00}")))}");
            }
        }

        sb.AppendLine();
        var cmp = run.Comparison;
        var edges = cmp.SharedEdges.Count + cmp.OnlyA.Count + cmp.OnlyB.Count;
        sb.AppendLine(c, $"Traced edges, {run.Analyses[0].Name} vs {run.Analyses[1].Name}: {cmp.SharedEdges.Count} shared, {cmp.OnlyA.Count} only pre-trained, {cmp.OnlyB.Count} only fine-tuned (Jaccard {(edges == 0 ? 1 : (double)cmp.SharedEdges.Count / edges):0.00}).");
        sb.AppendLine("Timings: " + string.Join(", ", run.TimingsMs.Select(t => string.Create(c, $"{t.Key} {t.Value:0} ms"))));
        return sb.ToString();
    }
}
