namespace AttentionLens.Tensors;

/// <summary><see cref="SmallRowsGemm{TS,TV}"/> split over column ranges (multiples of 4) between threads.</summary>
internal sealed unsafe class SmallRowsJob<TS, TV>(float* a, float* b, float* bias, float* c, int m, int k, int n, int parts)
    where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>B in 16 bits instead (then <c>b</c> is null).</summary>
    public ushort* B16 { get; init; }
    public WeightElementType BType { get; init; }
    public SimdLevel Level { get; init; }

    public void Run(int part)
    {
        int j0 = (int)((long)n * part / parts) & ~3;
        int j1 = part == parts - 1 ? n : (int)((long)n * (part + 1) / parts) & ~3;
        if (B16 != null) SmallRowsGemm<TS, TV>.Run16(a, B16, BType, Level, bias, c, m, k, n, j0, j1);
        else SmallRowsGemm<TS, TV>.Run(a, b, bias, c, m, k, n, j0, j1);
    }
}
