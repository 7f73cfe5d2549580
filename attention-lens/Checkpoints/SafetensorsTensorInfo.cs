namespace AttentionLens.Checkpoints;

/// <summary>One tensor of a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="Begin">Start of its bytes, relative to the data section after the header.</param>
/// <param name="End">End (exclusive) of its bytes, relative to the data section.</param>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }
}
