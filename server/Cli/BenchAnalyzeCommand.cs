using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench analyze --model DIR --text … [--methods rollout,flow,influence] [--runs 3]`:
/// the same analysis as `analyze` (the CLI's <see cref="AnalysisService"/>, memory budget included)
/// run 1 + runs times in this process. The first includes loading the checkpoint (cold: what a fresh
/// `analyze` pays after process start), the others reuse the loaded model (warm: what the editor
/// pays for the next analysis). Prints one JSON line: cold and warm wall times, the analysis's own
/// stage timings of the last run, peak resident memory (VmHWM) and the checkpoint's size.
/// </summary>
internal static class BenchAnalyzeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Required = true, Description = "Checkpoint folder." };
        var text = new Option<string>("--text") { Required = true, Description = "Text to analyse." };
        var methods = new Option<string>("--methods") { Description = "Comma-separated methods.", DefaultValueFactory = _ => "rollout,flow,influence" };
        var runs = new Option<int>("--runs") { Description = "Warm runs after the cold one.", DefaultValueFactory = _ => 3 };
        var budget = CliAnalysis.MemoryBudgetOption();
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Longest input analysed (default: the server's)." };
        var command = new Command("analyze", "Cold and warm analysis time and peak memory (JSON line).") { model, text, methods, runs, budget, maxTokens };
        command.SetAction(async (parse, ct) =>
        {
            var cli = new CliAnalysis(memoryBudgetMb: parse.GetValue(budget), maxTokens: parse.GetValue(maxTokens));
            var request = CliAnalysis.Request(parse.GetValue(text)!, parse.GetValue(model)!, null, parse.GetValue(methods));
            var times = new List<double>();
            AnalyzeResult? last = null;
            int n = Math.Max(1, parse.GetValue(runs));
            int code = await cli.RunAsync("bench analyze", async progress =>
            {
                for (int r = 0; r <= n; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    (last, _) = await cli.Service.AnalyzeAsync(request, null, ct).ConfigureAwait(false);
                    times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                }
            }).ConfigureAwait(false);
            if (code != 0) return code;
            var warm = times.Skip(1).Order().ToArray();
            double median = warm[warm.Length / 2];
            long fileBytes = Directory.EnumerateFiles(parse.GetValue(model)!, "*.safetensors").Sum(f => new FileInfo(f).Length);
            long peak = ProcessMemory.Read().PeakRss;
            var stages = string.Join(",", last!.Timings.Select(kv => string.Create(CultureInfo.InvariantCulture, $"\"{kv.Key}\":{kv.Value:F1}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"analyze\",\"tokens\":{last.Tokens.Count},\"cold_s\":{times[0]:G4},\"warm_median_s\":{median:G4},\"cold_per_warm\":{times[0] / median:F2}," +
                $"\"peak_rss_mb\":{peak / 1048576.0:F1},\"file_mb\":{fileBytes / 1048576.0:F1},\"peak_per_file\":{(double)peak / Math.Max(1, fileBytes):F3},\"last_ms\":{{{stages}}}}}"));
            return 0;
        });
        return command;
    }
}
