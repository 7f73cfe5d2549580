namespace AttentionLens.Flow;

/// <summary>
/// Residual augmentation (docs/methods.md §2; Abnar and Zuidema 2020, §3): Â = (Ā + I) / rowsum(Ā + I),
/// normalised along rows (each query's distribution over keys). Some widely copied ViT code divides
/// along the wrong axis; this one divides row i by row i's own sum.
/// </summary>
public static class ResidualAugmentation
{
    /// <summary>Applies the augmentation in place to a (n × n) row-major matrix.</summary>
    public static void Apply(Span<double> matrix, int n)
    {
        if (matrix.Length != n * n) throw new ArgumentException($"matrix must hold {n * n} values.", nameof(matrix));
        for (int i = 0; i < n; i++)
        {
            var row = matrix.Slice(i * n, n);
            row[i] += 1.0;
            double sum = 0;
            for (int j = 0; j < n; j++) sum += row[j];
            for (int j = 0; j < n; j++) row[j] /= sum;
        }
    }
}
