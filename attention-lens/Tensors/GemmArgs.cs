namespace AttentionLens.Tensors;

/// <summary>The operands of one GEMM call as raw pointers (the caller keeps them pinned), so the
/// work can be handed to other threads, which spans cannot be.</summary>
internal readonly unsafe struct GemmArgs(float* a, float* b, bool bIsNByK, float* bias, float* c, int m, int k, int n)
{
    public float* A { get; } = a;
    public float* B { get; } = b;
    /// <summary>B is n×k (linear weight, C = A·Bᵀ) rather than k×n (C = A·B).</summary>
    public bool BIsNByK { get; } = bIsNByK;
    /// <summary>n floats, or null.</summary>
    public float* Bias { get; } = bias;
    public float* C { get; } = c;
    public int M { get; } = m;
    public int K { get; } = k;
    public int N { get; } = n;
}
