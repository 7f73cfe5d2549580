using AttentionLens.Checkpoints;

namespace AttentionLens.Models;

/// <summary>torch <c>nn.Embedding</c>: row lookup in a (rows × C) table.</summary>
public sealed class Embedding
{
    private readonly string _name;

    private Embedding(ReadOnlyMemory<float> weight, int rows, int dim, string name)
    {
        Weight = weight;
        Rows = rows;
        Dim = dim;
        _name = name;
    }

    public ReadOnlyMemory<float> Weight { get; }

    public int Rows { get; }

    public int Dim { get; }

    /// <param name="configField">The config field that sets <paramref name="rows"/> (named when the stored table disagrees).</param>
    public static Embedding Load(WeightScope w, int rows, int dim, string configField)
    {
        var stored = w.ShapeOf("weight");
        if (stored is { Length: 2 } && stored[1] == dim && stored[0] != rows)
            throw new CheckpointException(w.Store.Source,
                $"config.json {configField} = {rows} does not match the {stored[0]} rows of embedding '{w.FullName("weight")}'; the config does not belong to these weights.");
        return new Embedding(w.Get("weight", rows, dim), rows, dim, w.FullName("weight"));
    }

    /// <summary>y[t] += or = table[ids[t]].</summary>
    public void Lookup(ReadOnlySpan<int> ids, Span<float> y, bool accumulate)
    {
        var table = Weight.Span;
        for (int t = 0; t < ids.Length; t++)
        {
            int id = ids[t];
            if ((uint)id >= (uint)Rows)
                throw new AttentionLensException($"input id {id} at position {t} is outside {_name} (0..{Rows - 1}); the ids do not belong to this model.");
            var row = table.Slice(id * Dim, Dim);
            var dst = y.Slice(t * Dim, Dim);
            if (accumulate)
                for (int c = 0; c < Dim; c++) dst[c] += row[c];
            else
                row.CopyTo(dst);
        }
    }
}
