using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>torch <c>nn.Embedding</c>: row lookup in a (rows × C) table, kept in the checkpoint's
/// element type (a bf16 table of 128k × 2048 stays 0.5 GB; a lookup widens only the rows it reads).</summary>
public sealed class Embedding
{
    private readonly string _name;

    private Embedding(WeightData weight, int rows, int dim, string name)
    {
        Data = weight;
        Rows = rows;
        Dim = dim;
        _name = name;
    }

    /// <summary>The table as stored.</summary>
    public WeightData Data { get; }

    /// <summary>The table as float32: in place for float32, a widened copy of a 16-bit table.</summary>
    public ReadOnlyMemory<float> Weight => Data.ToFloat32();

    public int Rows { get; }

    public int Dim { get; }

    /// <param name="configField">The config field that sets <paramref name="rows"/> (named when the stored table disagrees).</param>
    public static Embedding Load(WeightScope w, int rows, int dim, string configField)
    {
        var stored = w.ShapeOf("weight");
        if (stored is { Length: 2 } && stored[1] == dim && stored[0] != rows)
            throw new CheckpointException(w.Store.Source,
                $"config.json {configField} = {rows} does not match the {stored[0]} rows of embedding '{w.FullName("weight")}'; the config does not belong to these weights.");
        return new Embedding(w.GetData("weight", rows, dim), rows, dim, w.FullName("weight"));
    }

    /// <summary>
    /// y = table[ids[t]] per row, or the caller's <paramref name="inputsEmbeds"/> (T, C) instead
    /// (<see cref="ForwardOptions.InputsEmbeds"/>: the backward pass's and integrated gradients' inputs).
    /// </summary>
    public void LookupOrGiven(ReadOnlySpan<int> ids, float[]? inputsEmbeds, Span<float> y)
    {
        if (inputsEmbeds is null)
        {
            Lookup(ids, y, accumulate: false);
            return;
        }
        if (inputsEmbeds.Length != ids.Length * Dim)
            throw new AttentionLensException($"inputs_embeds has {inputsEmbeds.Length} values; {ids.Length} tokens × {Dim} channels need {ids.Length * Dim} (GradientOptions.InputsEmbeds).");
        inputsEmbeds.AsSpan().CopyTo(y);
    }

    /// <summary>The rows of <paramref name="ids"/> in a new (T, Dim) array: a body's word embeddings, the point
    /// ∂/∂inputs_embeds is taken at (<see cref="IDifferentiableBody.WordEmbeddings"/>).</summary>
    public float[] LookupRows(ReadOnlySpan<int> ids)
    {
        var rows = new float[ids.Length * Dim];
        Lookup(ids, rows, accumulate: false);
        return rows;
    }

    /// <summary>y[t] += or = table[ids[t]].</summary>
    public void Lookup(ReadOnlySpan<int> ids, Span<float> y, bool accumulate)
    {
        var wide = accumulate && Data.Is16Bit ? new float[Dim] : null;
        for (int t = 0; t < ids.Length; t++)
        {
            int id = ids[t];
            if ((uint)id >= (uint)Rows)
                throw new AttentionLensException($"input id {id} at position {t} is outside {_name} (0..{Rows - 1}); the ids do not belong to this model.");
            var dst = y.Slice(t * Dim, Dim);
            if (!Data.Is16Bit)
            {
                var row = Data.Values.Span.Slice(id * Dim, Dim);
                if (accumulate)
                    for (int c = 0; c < Dim; c++) dst[c] += row[c];
                else
                    row.CopyTo(dst);
            }
            else if (accumulate)
            {
                Data.WidenTo(id * Dim, wide);
                for (int c = 0; c < Dim; c++) dst[c] += wide![c];
            }
            else
                Data.WidenTo(id * Dim, dst);
        }
    }
}
