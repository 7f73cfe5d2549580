namespace AttentionLens.Tensors;

/// <summary>
/// A weight matrix that every forward multiplies by, as the B of C = A·op(B): either n × k (a torch
/// <c>nn.Linear</c> weight, C = A·Bᵀ) or k × n (a GPT-2 <c>Conv1D</c> weight, C = A·B). Besides the
/// values (usually memory-mapped from the checkpoint) it keeps the one packed form a backend made
/// of it on first use (<see cref="IKernels.MatMul(ReadOnlySpan{float}, WeightMatrix, ReadOnlySpan{float}, Span{float}, int)"/>),
/// so the GEMM does not re-pack the same weights on every call.
/// </summary>
public sealed class WeightMatrix
{
    private object? _packed;

    public WeightMatrix(ReadOnlyMemory<float> values, bool isNByK, int k, int n)
    {
        if (k < 0 || n < 0 || values.Length != (long)k * n)
            throw new ArgumentException($"A {(isNByK ? $"{n} × {k}" : $"{k} × {n}")} weight needs {(long)k * n} values, got {values.Length}.", nameof(values));
        Values = values;
        IsNByK = isNByK;
        K = k;
        N = n;
    }

    public ReadOnlyMemory<float> Values { get; }

    /// <summary>Stored n × k (C = A·Bᵀ) rather than k × n (C = A·B).</summary>
    public bool IsNByK { get; }

    /// <summary>Inner dimension (input features).</summary>
    public int K { get; }

    /// <summary>Output columns (output features).</summary>
    public int N { get; }

    /// <summary>The packed form made by the first backend that asked, made now by <paramref name="pack"/>
    /// if none was (concurrent first calls may each pack; one result is kept). The caller checks that
    /// what it gets back is its own layout and multiplies unpacked otherwise.</summary>
    internal object GetOrAddPacked(Func<WeightMatrix, object> pack)
    {
        var existing = Volatile.Read(ref _packed);
        if (existing is not null) return existing;
        var made = pack(this);
        return Interlocked.CompareExchange(ref _packed, made, null) ?? made;
    }
}
