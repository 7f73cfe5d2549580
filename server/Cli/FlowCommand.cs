using System.CommandLine;
using AttentionLens;
using AttentionLens.Checkpoints;
using AttentionLens.Flow;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens flow --attention FILE --method rollout|flow --target all|N [--raw] --out OUT.npy`:
/// rollout or exact attention flow from an attention tensor [L, H, T, T] (float32 or float64 .npy,
/// or the <c>attentions</c> tensor of a `forward` .safetensors output, batch axis of size 1 allowed).
/// Writes float64 .npy: [T, T] for all targets (row = target position after the last layer,
/// column = input token), [1, T] for one target; flow rows are normalised to sum 1 unless --raw
/// (rollout rows already sum to 1).
/// </summary>
internal static class FlowCommand
{
    public static Command Create()
    {
        var command = new Command("flow", "Rollout or attention flow from an attention tensor.");
        var attention = new Option<string>("--attention") { Required = true, Description = "Attention [L,H,T,T] as .npy (float32/float64) or a forward .safetensors output (key 'attentions')." };
        var method = new Option<string>("--method") { Description = "rollout or flow.", DefaultValueFactory = _ => "flow" };
        method.AcceptOnlyFromAmong("rollout", "flow");
        var target = new Option<string>("--target") { Description = "'all' or a position N (0-based).", DefaultValueFactory = _ => "all" };
        var raw = new Option<bool>("--raw") { Description = "Write raw max-flow values instead of row-normalised ones." };
        var causal = new Option<bool>("--causal") { Description = "Drop entries above the diagonal (decoder-only attention)." };
        var output = new Option<string>("--out") { Required = true, Description = "Output .npy (float64)." };
        foreach (var o in new Option[] { attention, method, target, raw, causal, output }) command.Options.Add(o);
        command.SetAction(parseResult =>
        {
            var outPath = CliOutput.Prepare(parseResult.GetValue(output))!;
            var path = parseResult.GetValue(attention)!;
            var (data, shape) = Load(path);
            var graph = LayeredAttention.FromAttention<double>(data, shape, new ReductionOptions(Causal: parseResult.GetValue(causal)), path);
            var targetText = parseResult.GetValue(target)!;
            int? single = ParseTarget(targetText, shape);
            int n = shape.Tokens;
            double[] result;
            if (parseResult.GetValue(method) == "rollout")
            {
                var final = Rollout.Final(graph);
                result = single is int t ? final.AsSpan(t * n, n).ToArray() : final;
            }
            else
            {
                result = single is int t ? AttentionFlow.RawForTarget(graph, t) : AttentionFlow.RawAllTargets(graph);
                if (!parseResult.GetValue(raw)) AttentionFlow.NormaliseRows(result, n);
            }
            NpyFile.WriteFloat64(outPath, result, single is null ? n : 1, n);
            Console.Error.WriteLine($"wrote {outPath}: [{(single is null ? n : 1)}, {n}] float64 ({parseResult.GetValue(method)}, {shape.Layers} layers × {shape.Heads} heads)");
            return 0;
        });
        return command;
    }

    private static int? ParseTarget(string text, AttentionShape shape)
    {
        if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int t))
            throw new InvalidAttentionException($"--target must be 'all' or a position 0..{shape.Tokens - 1}, not '{text}'.", "--target");
        shape.CheckTarget(t, "--target");
        return t;
    }

    /// <summary>Reads the tensor and its [L, H, T, T] shape; a leading or second batch axis of size 1
    /// ([1, L, H, T, T] or [L, 1, H, T, T], as transformers stacks per-layer outputs) is dropped.</summary>
    private static (double[] Data, AttentionShape Shape) Load(string path)
    {
        if (!File.Exists(path))
            throw new AttentionLensException($"Attention file '{path}' does not exist.", path);
        int[] dims;
        double[] data;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var npy = NpyFile.Read(path);
            if (npy.DType is not ("<f4" or "<f8"))
                throw new InvalidAttentionException($"{path}: attention must be float32 or float64, not {npy.DType}.", path);
            (dims, data) = (npy.Shape, npy.Data);
        }
        else
        {
            (dims, data) = ReadSafetensors(path);
        }
        if (dims.Length == 5 && dims[0] == 1) dims = dims[1..];
        else if (dims.Length == 5 && dims[1] == 1) dims = [dims[0], .. dims[2..]];
        return (data, AttentionShape.FromDims(dims, path));
    }

    /// <summary>The <c>attentions</c> tensor of a `forward` output (F32 [L, H, T, T]) or of a
    /// transformers reference file ([L, 1, H, T, T]).</summary>
    private static (int[] Dims, double[] Data) ReadSafetensors(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Tensors.ContainsKey("attentions"))
            throw new InvalidAttentionException($"{path}: no 'attentions' tensor (it has {string.Join(", ", file.Tensors.Keys.Take(8))}); write one with `attention-lens forward`.", path);
        var info = file.Info("attentions");
        var values = file.GetFloat32("attentions").Span;
        var data = new double[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = values[i];
        return (info.Shape.Select(d => checked((int)d)).ToArray(), data);
    }
}
