namespace AttentionLens.Tensors;

/// <summary>An element-wise kernel split into contiguous chunks (multiples of 64 floats, so
/// only the last chunk has a vector tail) run on several threads.</summary>
internal sealed unsafe class ElementwiseJob(IRowKernels rows, float* x, float* y, int length, int threads, Activation? activation)
{
    /// <summary>Two chunks per thread let a thread that was descheduled be helped by the others.</summary>
    public int Parts { get; } = Math.Max(1, Math.Min(2 * threads, length / 4096));

    public void Run(int part)
    {
        int start = (int)((long)length * part / Parts) & ~63;
        int end = part == Parts - 1 ? length : (int)((long)length * (part + 1) / Parts) & ~63;
        var chunk = new Span<float>(x + start, end - start);
        if (activation is { } a) rows.Activate(chunk, a);
        else rows.SiluMultiply(chunk, new ReadOnlySpan<float>(y + start, end - start));
    }
}
