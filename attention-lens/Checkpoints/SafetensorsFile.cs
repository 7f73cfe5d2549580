using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace AttentionLens.Checkpoints;

/// <summary>
/// A safetensors file, memory-mapped read-only. The header is validated on open (see
/// <see cref="SafetensorsHeader"/>); F32 tensors are then served in place from the mapping, other
/// float types are converted to float32 copies by <see cref="GetFloat32"/>, while
/// <see cref="GetWeightData"/> serves BF16/F16 in place too. The mapping lives until this object is disposed or,
/// for weights handed out as memory, until the last of them is unreachable.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _mapping;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _data;
    private readonly long _dataLength;
    private bool _disposed;

    private SafetensorsFile(string path, SafetensorsHeader header, MemoryMappedFile? mapping, MemoryMappedViewAccessor? view, byte* data, long dataLength)
    {
        Path = path;
        Header = header;
        _mapping = mapping;
        _view = view;
        _data = data;
        _dataLength = dataLength;
    }

    ~SafetensorsFile() => Release();

    public string Path { get; }

    public SafetensorsHeader Header { get; }

    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors => Header.Tensors;

    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="CheckpointException"/> on any fault.</summary>
    public static SafetensorsFile Open(string path)
    {
        var (full, length) = CheckpointFile.Check(path);
        if (length < 8)
            throw new CheckpointException(full, $"truncated: {length} bytes, but a safetensors file starts with an 8-byte header length.");

        Span<byte> prefix = stackalloc byte[8];
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            stream.ReadExactly(prefix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(full, $"cannot be read ({e.Message}).", e);
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8))
            throw new CheckpointException(full, $"header length {headerLength} runs past the end of the file ({length} bytes); the file is truncated or not a safetensors file.");
        if ((long)headerLength > SafetensorsHeader.MaxHeaderBytes)
            throw new CheckpointException(full, $"header length {headerLength} exceeds the format's limit of {SafetensorsHeader.MaxHeaderBytes} bytes.");

        long dataStart = 8 + (long)headerLength;
        long dataLength = length - dataStart;
        MemoryMappedFile mapping;
        try
        {
            mapping = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CheckpointException(full, $"cannot be memory-mapped ({e.Message}).", e);
        }
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            basePointer += view.PointerOffset;
            var header = SafetensorsHeader.Parse(new ReadOnlySpan<byte>(basePointer + 8, (int)headerLength), dataLength, full);
            return new SafetensorsFile(full, header, mapping, view, basePointer + dataStart, dataLength);
        }
        catch
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>The tensor's info, or a <see cref="CheckpointException"/> naming the file and tensor.</summary>
    public SafetensorsTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info) ? info : throw new CheckpointException(Path, $"tensor '{name}' is not in this file.");

    /// <summary>The raw little-endian bytes of a tensor, in the mapping (valid while this file is open).</summary>
    public ReadOnlySpan<byte> Bytes(string name)
    {
        var info = Info(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (info.ByteLength > int.MaxValue)
            throw new CheckpointException(Path, $"tensor '{name}' is {info.ByteLength} bytes, more than one span can hold (2 GiB).");
        return new ReadOnlySpan<byte>(_data + info.Begin, (int)info.ByteLength);
    }

    /// <summary>
    /// The tensor as float32: F32 in place (no copy), F16/BF16/F64 converted exactly into a new array.
    /// </summary>
    public ReadOnlyMemory<float> GetFloat32(string name)
    {
        var info = Info(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!SafetensorsDTypes.IsFloatConvertible(info.DType))
            throw new CheckpointException(Path, $"tensor '{name}' is {SafetensorsDTypes.Name(info.DType)}; weights must be F32, F16, BF16 or F64.");
        if (info.ElementCount > Array.MaxLength)
            throw new CheckpointException(Path, $"tensor '{name}' has {info.ElementCount} elements, more than one array can hold.");
        int count = (int)info.ElementCount;
        if (info.DType == SafetensorsDType.F32)
            return new MappedMemory<float>(this, _data + info.Begin, count).Memory;
        var result = new float[count];
        FloatConversion.ToFloat32(Bytes(name), info.DType, result);
        return result;
    }

    /// <summary>
    /// The tensor as stored where the kernels can read that (F32, BF16, F16: in place in the mapping,
    /// nothing read or copied until used); F64 converted to a float32 copy.
    /// </summary>
    public AttentionLens.Tensors.WeightData GetWeightData(string name)
    {
        var info = Info(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (info.DType is not (SafetensorsDType.BF16 or SafetensorsDType.F16)) return AttentionLens.Tensors.WeightData.FromFloat32(GetFloat32(name));
        if (info.ElementCount > Array.MaxLength)
            throw new CheckpointException(Path, $"tensor '{name}' has {info.ElementCount} elements, more than one array can hold.");
        var bits = new MappedMemory<ushort>(this, _data + info.Begin, (int)info.ElementCount).Memory;
        return AttentionLens.Tensors.WeightData.From16Bit(bits, info.DType == SafetensorsDType.BF16 ? AttentionLens.Tensors.WeightElementType.BFloat16 : AttentionLens.Tensors.WeightElementType.Float16);
    }

    /// <summary>A float32 copy of a floating-point tensor.</summary>
    public float[] ReadFloat32(string name) => GetFloat32(name).ToArray();

    /// <summary>An integer tensor (I64, I32, I16, I8, U8, BOOL) widened to long.</summary>
    public long[] ReadInt64(string name)
    {
        var info = Info(name);
        var bytes = Bytes(name);
        var result = new long[info.ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = info.DType switch
            {
                SafetensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8)),
                SafetensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4)),
                SafetensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(i * 2)),
                SafetensorsDType.I8 => (sbyte)bytes[i],
                SafetensorsDType.U8 or SafetensorsDType.Bool => bytes[i],
                _ => throw new CheckpointException(Path, $"tensor '{name}' is {SafetensorsDTypes.Name(info.DType)}, not an integer type."),
            };
        }
        return result;
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _mapping?.Dispose();
    }
}
