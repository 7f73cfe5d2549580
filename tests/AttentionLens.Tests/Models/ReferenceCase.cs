using AttentionLens.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>
/// One transformers reference file (<c>reference/&lt;case&gt;.safetensors</c>): inputs
/// <c>input.*</c> [B, T] and outputs with a batch axis (attentions [L, B, H, T, T], hidden states
/// [L+1, B, T, C], logits [B, T, V], pooler_output [B, C]), read with our own safetensors reader.
/// </summary>
internal sealed class ReferenceCase : IDisposable
{
    private readonly SafetensorsFile _file;

    public ReferenceCase(string path) => _file = SafetensorsFile.Open(path);

    public string Name => Path.GetFileNameWithoutExtension(_file.Path);

    public int Batch => (int)_file.Info("input.input_ids").Shape[0];

    public int Tokens => (int)_file.Info("input.input_ids").Shape[1];

    public bool Has(string name) => _file.Tensors.ContainsKey(name);

    public int[] Shape(string name) => _file.Info(name).Shape.Select(d => (int)d).ToArray();

    /// <summary>Row <paramref name="b"/> of an int64 [B, T] input, or null when absent.</summary>
    public int[]? InputRow(string name, int b)
    {
        if (!Has(name)) return null;
        var all = _file.ReadInt64(name);
        return all.Skip(b * Tokens).Take(Tokens).Select(v => checked((int)v)).ToArray();
    }

    /// <summary>Concatenates, over the leading axis, the batch-<paramref name="b"/> slices of a tensor whose
    /// batch axis is <paramref name="batchAxis"/> (1 for attentions and hidden states, 0 for logits).</summary>
    public float[] BatchSlice(string name, int b, int batchAxis)
    {
        var shape = Shape(name);
        var data = _file.ReadFloat32(name);
        int outer = 1;
        for (int d = 0; d < batchAxis; d++) outer *= shape[d];
        int inner = 1;
        for (int d = batchAxis + 1; d < shape.Length; d++) inner *= shape[d];
        var result = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            Array.Copy(data, (o * shape[batchAxis] + b) * inner, result, o * inner, inner);
        return result;
    }

    public void Dispose() => _file.Dispose();
}
