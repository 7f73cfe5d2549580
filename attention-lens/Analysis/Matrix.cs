namespace AttentionLens.Analysis;

/// <summary>A dense row-major matrix as it travels: {rows, cols, data}.</summary>
public sealed record Matrix(int Rows, int Cols, double[] Data)
{
    public double this[int r, int c] => Data[r * Cols + c];
}
