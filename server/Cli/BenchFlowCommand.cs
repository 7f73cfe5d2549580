using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Checkpoints;
using AttentionLens.Flow;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench flow`: rollout and exact attention-flow timings on 12-layer × 12-head
/// banded random attention made like the golden recipe (logits = N(0, 1) − 2·|q − k|, row softmax
/// with the max subtracted; the normal draws come from .NET's seeded generator, not numpy's PCG64).
/// Prints one JSON line per case; `--write-attention` saves the n = 16 tensor and the flows it got so
/// scripts/bench-flow.py can time networkx on the same input and check the values agree.
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
        command.Options.Add(write);
        command.Options.Add(repeats);
        command.Options.Add(large);
        command.SetAction(parseResult =>
        {
            int reps = Math.Max(1, parseResult.GetValue(repeats));
            var n16 = Banded(16, 3016);
            var g16 = LayeredAttention.FromAttention<double>(n16, AttentionShape.Create(Layers, Heads, 16));
            var raw16 = AttentionFlow.RawAllTargets(g16);
            var path = parseResult.GetValue(write);
            if (!string.IsNullOrEmpty(path))
            {
                NpyFile.WriteFloat64(path, n16, Layers, Heads, 16, 16);
                NpyFile.WriteFloat64(Path.ChangeExtension(path, null) + ".flow_raw.npy", raw16, 16, 16);
            }
            Report("flow_all_targets", 16, 16 * 16, Median(reps, () => AttentionFlow.RawAllTargets(g16)));
            var g128 = Graph(128);
            Report("flow_one_target", 128, 128, Median(reps, () => AttentionFlow.RawForTarget(g128, 0)));
            if (!parseResult.GetValue(large))
            {
                var g512 = Graph(512);
                Report("flow_one_target", 512, 512, Median(1, () => AttentionFlow.RawForTarget(g512, 0)));
                Report("rollout_all_layers", 512, 0, Median(reps, () => Rollout.AllLayers(g512)));
            }
            else
            {
                Report("rollout_all_layers", 512, 0, Median(reps, () => Rollout.AllLayers(Graph(512))));
            }
            return 0;
        });
        return command;
    }

    private static LayeredAttention Graph(int n) =>
        LayeredAttention.FromAttention<double>(Banded(n, 3000 + n), AttentionShape.Create(Layers, Heads, n));

    /// <summary>[L, H, n, n] banded softmax attention, seeded.</summary>
    internal static double[] Banded(int n, int seed)
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
            for (int k = 0; k < n; k++) sum += r[k] = Math.Exp(r[k] - max);
            for (int k = 0; k < n; k++) r[k] /= sum;
        }
        return att;
    }

    private static double Median(int repeats, Action run)
    {
        run();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }

    private static void Report(string name, int n, int maxFlows, double ms) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"flow\",\"case\":\"{name}\",\"layers\":{Layers},\"heads\":{Heads},\"n\":{n},\"max_flows\":{maxFlows},\"ms\":{ms:F3},\"threads\":{Environment.ProcessorCount}}}"));
}
