using System.Buffers;

namespace AttentionLens.Models;

/// <summary>
/// A per-call scratch buffer rented from <see cref="ArrayPool{T}.Shared"/> and returned on
/// <see cref="Dispose"/> (use it with <c>using var</c>). Its contents are whatever the last renter
/// left, so only buffers the next kernel overwrites completely belong here. Renting instead of
/// allocating keeps a forward pass from putting megabytes of short-lived arrays on the large object
/// heap every layer, which otherwise forces gen-2 collections mid-pass.
/// </summary>
internal readonly struct Scratch : IDisposable
{
    private readonly float[] _array;

    public Scratch(int length)
    {
        _array = ArrayPool<float>.Shared.Rent(length);
        Length = length;
    }

    public int Length { get; }

    public Span<float> Span => _array.AsSpan(0, Length);

    public void Dispose() => ArrayPool<float>.Shared.Return(_array);
}
