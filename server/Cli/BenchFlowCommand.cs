using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Checkpoints;
using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench flow`: rollout and exact attention-flow timings on 12-layer × 12-head
/// banded random attention made like the golden recipe (logits = N(0, 1) − 2·|q − k|, row softmax
/// with the max subtracted; the normal draws come from .NET's seeded generator, not numpy's PCG64).
/// Prints one JSON line per case; `--write-attention` saves the n = 16 and n = 128 tensors and the flows
/// it got so scripts/bench-flow-networkx.py and scripts/bench-flow-scipy.py can time networkx and
/// scipy's Dinic on the same input and check the values agree; `--flow-only` times only those two
/// flow cases (the rounds scripts/bench-flow.sh interleaves with scipy's).
/// </summary>
internal static class BenchFlowCommand
{
    private const int Layers = 12, Heads = 12;

    public static Command Create()
    {
        var command = new Command("flow", "Rollout and attention-flow timings (JSON lines).");
        var write = new Option<string?>("--write-attention") { Description = "Write the n=16 attention [12,12,16,16] here (.npy) and its raw flow beside it (*.flow_raw.npy)." };
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions per case (median reported).", DefaultValueFactory = _ => 5 };
        var large = new Option<bool>("--skip-512") { Description = "Leave out the n=512 flow case." };
        var flowOnly = new Option<bool>("--flow-only") { Description = "Time only n=16 all targets and n=128 one target." };
        command.Options.Add(flowOnly);
        var faithfulness = new Option<string?>("--faithfulness-model") { Description = "A model folder with a manifest.json of prompts (shared/models/stories260K): print Spearman ρ of every method against occlusion per prompt." };
        command.Options.Add(faithfulness);
        var causalTokens = new Option<int>("--causal-tokens") { Description = "Only time one-target flow on synthetic causal head-mean attention of this many tokens (16 layers, Llama-3.2-1B's depth): the flow an analysis runs (every layer's flow from the last token, and its Shapley flow)." };
        command.Options.Add(causalTokens);
        var uniform = new Option<bool>("--causal-uniform") { Description = "With --causal-tokens: near-uniform rows (a randomly initialised checkpoint's attention) instead of rows with a few strong entries." };
        command.Options.Add(uniform);
        command.Options.Add(write);
        command.Options.Add(repeats);
        command.Options.Add(large);
        command.SetAction(parseResult =>
        {
            int reps = Math.Max(1, parseResult.GetValue(repeats));
            if (parseResult.GetValue(causalTokens) is > 0 and int tokens)
            {
                BenchCausalFlow.Run(tokens, reps, parseResult.GetValue(write), parseResult.GetValue(uniform));
                return 0;
            }
            var n16 = Banded(16, 3016);
            var g16 = LayeredAttention.FromAttention<double>(n16, AttentionShape.Create(Layers, Heads, 16));
            var raw16 = AttentionFlow.RawAllTargets(g16);
            var path = parseResult.GetValue(write);
            var a128 = Banded(128, 3128);
            var g128 = LayeredAttention.FromAttention<double>(a128, AttentionShape.Create(Layers, Heads, 128));
            if (!string.IsNullOrEmpty(path))
            {
                var stem = Path.ChangeExtension(path, null);
                NpyFile.WriteFloat64(path, n16, Layers, Heads, 16, 16);
                NpyFile.WriteFloat64(stem + ".flow_raw.npy", raw16, 16, 16);
                NpyFile.WriteFloat64(stem + ".n128.npy", a128, Layers, Heads, 128, 128);
                NpyFile.WriteFloat64(stem + ".n128.flow_one_raw.npy", AttentionFlow.RawForTarget(g128, 0), 1, 128);
            }
            Report("flow_all_targets", 16, 16 * 16, Median(reps, () => AttentionFlow.RawAllTargets(g16)));
            Report("flow_one_target", 128, 128, Median(reps, () => AttentionFlow.RawForTarget(g128, 0)));
            if (parseResult.GetValue(flowOnly)) return 0;
            var g512 = Graph(512);
            if (!parseResult.GetValue(large))
                Report("flow_one_target", 512, 512, Median(1, () => AttentionFlow.RawForTarget(g512, 0)));
            var rows512 = new double[Layers * 512];
            Report("rollout", 512, 0, Median(reps, () => Rollout.Final(g512, 0, rows512)));
            Report("rollout_all_layers", 512, 0, Median(reps, () => Rollout.AllLayers(g512)));
            var causal512 = LayeredAttention.FromAttention<double>(Banded(512, 3512, causal: true), AttentionShape.Create(Layers, Heads, 512), new ReductionOptions(Causal: true));
            Report("rollout_all_layers_causal", 512, 0, Median(reps, () => Rollout.AllLayers(causal512)));
            var modelDir = parseResult.GetValue(faithfulness);
            if (!string.IsNullOrEmpty(modelDir)) Faithfulness(modelDir);
            return 0;
        });
        return command;
    }

    /// <summary>Analyses every single-sequence prompt of the folder's manifest with every method
    /// and prints each method's Spearman ρ against leave-one-out occlusion (§8).</summary>
    private static void Faithfulness(string dir)
    {
        var model = ModelLoader.Load(dir);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod>(AnalysisMethod.All) };
        foreach (var c in doc.RootElement.GetProperty("model").GetProperty("cases").EnumerateObject())
        {
            if (!c.Value.TryGetProperty("input_ids", out var ids) || ids.ValueKind != JsonValueKind.Array) continue;
            var input = new ForwardInput(ids.EnumerateArray().Select(e => e.GetInt32()).ToArray());
            var sw = Stopwatch.StartNew();
            var result = Analyzer.Analyze(model, input, options);
            var rho = string.Join(",", result.Faithfulness!.Spearman.Select(kv => string.Create(CultureInfo.InvariantCulture, $"\"{kv.Key}\":{kv.Value:F4}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"faithfulness\",\"model\":\"{Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))}\",\"case\":\"{c.Name}\",\"tokens\":{input.Length},\"target\":{result.Target},\"ms\":{sw.Elapsed.TotalMilliseconds:F1},\"spearman\":{{{rho}}}}}"));
        }
    }

    private static LayeredAttention Graph(int n) =>
        LayeredAttention.FromAttention<double>(Banded(n, 3000 + n), AttentionShape.Create(Layers, Heads, n));

    /// <summary>[L, H, n, n] banded softmax attention, seeded; causal: keys after the query masked.</summary>
    internal static double[] Banded(int n, int seed, bool causal = false)
    {
        var rng = new Random(seed);
        var att = new double[Layers * Heads * n * n];
        for (int row = 0; row < att.Length / n; row++)
        {
            int q = row % n;
            var r = att.AsSpan(row * n, n);
            double max = double.NegativeInfinity;
            for (int k = 0; k < n; k++)
            {
                // Box–Muller standard normal.
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                r[k] = z - 2.0 * Math.Abs(q - k);
                max = Math.Max(max, r[k]);
            }
            double sum = 0;
            for (int k = 0; k < n; k++) sum += r[k] = causal && k > q ? 0 : Math.Exp(r[k] - max);
            for (int k = 0; k < n; k++) r[k] /= sum;
        }
        return att;
    }

    /// <summary>Median wall time, mean process CPU time and median per-run process CPU time, in ms,
    /// after one warm-up run (none when <paramref name="repeats"/> is 0) (CPU time is the work done, whatever share of a loaded machine the
    /// run got; it counts every thread).</summary>
    internal static (double Wall, double Cpu, double CpuMedian) Median(int repeats, Action run)
    {
        // repeats = 0: one timed run and no warm-up (long cases).
        if (repeats > 0) run();
        repeats = Math.Max(1, repeats);
        var process = Process.GetCurrentProcess();
        var start = process.TotalProcessorTime;
        var times = new double[repeats];
        var cpus = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpus[i] = (process.TotalProcessorTime - before).TotalMilliseconds;
        }
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - start).TotalMilliseconds / repeats;
        Array.Sort(times);
        Array.Sort(cpus);
        return (times[repeats / 2], cpuMs, cpus[repeats / 2]);
    }

    private static void Report(string name, int n, int maxFlows, (double Wall, double Cpu, double CpuMedian) time) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"flow\",\"case\":\"{name}\",\"layers\":{Layers},\"heads\":{Heads},\"n\":{n},\"max_flows\":{maxFlows},\"ms\":{time.Wall:F3},\"cpu_ms_mean\":{time.Cpu:F3},\"cpu_ms\":{time.CpuMedian:F3},\"threads\":{Environment.ProcessorCount}}}"));
}
