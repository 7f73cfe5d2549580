using System.Buffers;

namespace AttentionLens.Checkpoints;

/// <summary>
/// float32 elements that live in a memory-mapped file: a <see cref="Memory{T}"/> over the mapped
/// view, so F32 weights are used in place without a copy. It keeps its owner (the mapping) alive.
/// x64 and arm64 load unaligned floats, so no alignment of the data offset is needed.
/// </summary>
internal sealed unsafe class MappedFloatMemory : MemoryManager<float>
{
    private readonly object _owner;
    private readonly float* _pointer;
    private readonly int _length;

    public MappedFloatMemory(object owner, byte* pointer, int length)
    {
        _owner = owner;
        _pointer = (float*)pointer;
        _length = length;
    }

    public override Span<float> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex, default, this);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing) => GC.KeepAlive(_owner);
}
