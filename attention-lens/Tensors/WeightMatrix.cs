namespace AttentionLens.Tensors;

/// <summary>
/// A weight matrix that every forward multiplies by, as the B of C = A·op(B): either n × k (a torch
/// <c>nn.Linear</c> weight, C = A·Bᵀ) or k × n (a GPT-2 <c>Conv1D</c> weight, C = A·B). Besides the
/// values (usually memory-mapped from the checkpoint) it keeps the one packed form a backend made
/// of it on first use (<see cref="IKernels.MatMul(ReadOnlySpan{float}, WeightMatrix, ReadOnlySpan{float}, Span{float}, int)"/>),
/// so the GEMM does not re-pack the same weights on every call. A 16-bit weight (bf16, f16) is kept
/// as stored and never packed as a whole: the GEMM widens each panel as it packs it per call, which
/// keeps a bf16 model at its file size in memory (a float32 packed copy would double it).
/// </summary>
public sealed class WeightMatrix
{
    private object? _packed;

    public WeightMatrix(ReadOnlyMemory<float> values, bool isNByK, int k, int n)
        : this(WeightData.FromFloat32(values), isNByK, k, n)
    {
    }

    public WeightMatrix(WeightData data, bool isNByK, int k, int n)
    {
        if (k < 0 || n < 0 || data.Length != (long)k * n)
            throw new ArgumentException($"A {(isNByK ? $"{n} × {k}" : $"{k} × {n}")} weight needs {(long)k * n} values, got {data.Length}.", nameof(data));
        Data = data;
        IsNByK = isNByK;
        K = k;
        N = n;
    }

    /// <summary>The elements as stored.</summary>
    public WeightData Data { get; }

    /// <summary>The values as float32: in place for a float32 weight, a widened copy of a 16-bit one
    /// (backends without 16-bit support use it; <see cref="CpuKernels"/> reads <see cref="Data"/>).</summary>
    public ReadOnlyMemory<float> Values => Data.ToFloat32();

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
