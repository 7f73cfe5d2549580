using System.Diagnostics;
using System.Globalization;
using AttentionLens.Checkpoints;
using AttentionLens.Flow;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench flow --causal-tokens N`: the flow an analysis of a long decoder input runs,
/// on synthetic attention of Llama-3.2-1B's depth (<see cref="CausalAttention"/>: 16 layers, head
/// means of 8 causal heads, residual augmentation 0.5·A + 0.5·I, causal mask): the graph, one-target
/// flow from the last token (one sink sweep), every layer's flow from it (<see cref="AttentionFlow.RawByLayer"/>,
/// what the flow method computes) and its Shapley flow. One JSON line per case with wall and CPU time
/// and the process's peak working set so far. `--write-attention PATH` writes the tensor
/// (PATH.npy, [16, 1, N, N] float64) and the by-layer flows (PATH.by_layer_raw.npy, [16, N]) and the
/// Shapley values (PATH.shapley.npy, [N]) for scripts/bench-flow-causal-check.py to check against networkx
/// and scipy.
/// </summary>
internal static class BenchCausalFlow
{
    private const int Layers = 16, Heads = 8;

    public static void Run(int n, int repeats, string? write, bool nearUniform)
    {
        string kind = nearUniform ? "_uniform" : "";
        // Above 512 tokens every case runs once, without the warm-up run (minutes each).
        repeats = n > 512 ? 0 : repeats;
        int once = Math.Min(1, repeats);
        var sw = Stopwatch.StartNew();
        var attention = CausalAttention.HeadMeans(Layers, Heads, n, 2048 + n, nearUniform);
        var made = sw.Elapsed.TotalMilliseconds;
        LayeredAttention graph = null!;
        var options = new ReductionOptions(Causal: true);
        var shape = AttentionShape.Create(Layers, 1, n);
        Report("causal_graph" + kind, n, made, BenchFlowCommand.Median(once, () => graph = LayeredAttention.FromAttention<float>(attention, shape, options)));
        int target = n - 1;
        double[] byLayer = [];
        ShapleyFlowResult shapley = null!;
        Report("causal_flow_one_target" + kind, n, 0, BenchFlowCommand.Median(repeats, () => AttentionFlow.RawForTarget(graph, target)));
        Report("causal_flow_by_layer" + kind, n, 0, BenchFlowCommand.Median(repeats, () => byLayer = AttentionFlow.RawByLayer(graph, target)));
        Report("causal_shapley_flow" + kind, n, 0, BenchFlowCommand.Median(repeats, () => shapley = ShapleyFlow.Compute(graph, target)));
        if (string.IsNullOrEmpty(write)) return;
        var stem = Path.ChangeExtension(write, null);
        var wide = new double[attention.Length];
        for (int k = 0; k < wide.Length; k++) wide[k] = attention[k];
        NpyFile.WriteFloat64(stem + ".npy", wide, Layers, 1, n, n);
        NpyFile.WriteFloat64(stem + ".by_layer_raw.npy", byLayer, Layers, n);
        NpyFile.WriteFloat64(stem + ".shapley.npy", shapley.Values, n);
    }

    private static void Report(string name, int n, double setupMs, (double Wall, double Cpu, double CpuMedian) time)
    {
        long peak = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"flow\",\"case\":\"{name}\",\"layers\":{Layers},\"heads\":{Heads},\"n\":{n},\"ms\":{time.Wall:F1},\"cpu_ms\":{time.CpuMedian:F1},\"peak_mib\":{peak},\"threads\":{Environment.ProcessorCount}{(setupMs > 0 ? string.Create(CultureInfo.InvariantCulture, $",\"attention_ms\":{setupMs:F0}") : "")}}}"));
    }
}
