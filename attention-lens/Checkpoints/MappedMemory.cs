using System.Buffers;

namespace AttentionLens.Checkpoints;

/// <summary>
/// Elements that live in a memory-mapped file (float32 values, or the bits of bf16/f16 ones): a
/// <see cref="Memory{T}"/> over the mapped view, so weights are used in place without a copy. It
/// keeps its owner (the mapping) alive. x64 and arm64 load unaligned elements, so no alignment of
/// the data offset is needed.
/// </summary>
internal sealed unsafe class MappedMemory<T> : MemoryManager<T> where T : unmanaged
{
    private readonly object _owner;
    private readonly T* _pointer;
    private readonly int _length;

    public MappedMemory(object owner, byte* pointer, int length)
    {
        _owner = owner;
        _pointer = (T*)pointer;
        _length = length;
    }

    public override Span<T> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex, default, this);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing) => GC.KeepAlive(_owner);
}
