namespace AttentionLens.Tensors;

/// <summary>The operands of one GEMM call as raw pointers (the caller keeps them pinned), so the
/// work can be handed to other threads, which spans cannot be.</summary>
internal readonly unsafe struct GemmArgs(float* a, float* b, bool bIsNByK, float* bias, float* c, int m, int k, int n,
    nint lda, nint ldb, nint ldc)
{
    /// <summary>Dense operands: row strides k (A), k or n (B), n (C).</summary>
    public GemmArgs(float* a, float* b, bool bIsNByK, float* bias, float* c, int m, int k, int n)
        : this(a, b, bIsNByK, bias, c, m, k, n, k, bIsNByK ? k : n, n) { }

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
    /// <summary>Row strides (in floats) of A, B and C: a head's slice of a (T, H·D) matrix has stride H·D.</summary>
    public nint Lda { get; } = lda;
    public nint Ldb { get; } = ldb;
    public nint Ldc { get; } = ldc;

    /// <summary>All of B already packed for this micro-kernel (a weight packed once), or null: then
    /// each column block and k slice is packed as it is reached.</summary>
    public PackedMatrix? Packed { get; init; }

    /// <summary>B stored in 16 bits (<see cref="BType"/>) instead of <see cref="B"/>: the packing
    /// widens each panel as it copies it (the weight is never widened as a whole).</summary>
    public ushort* B16 { get; init; }

    public WeightElementType BType { get; init; }
}
