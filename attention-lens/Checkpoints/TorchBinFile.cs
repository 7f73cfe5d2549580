using System.Collections.Frozen;
using System.IO.Compression;

namespace AttentionLens.Checkpoints;

/// <summary>
/// A <c>pytorch_model.bin</c> in torch's zip format (torch ≥ 1.6: <c>&lt;name&gt;/data.pkl</c>, a
/// pickle of the state dict, and <c>&lt;name&gt;/data/&lt;key&gt;</c>, the raw little-endian storages).
/// The pickle is read by <see cref="RestrictedUnpickler"/>, which accepts only the globals a state
/// dict needs and executes nothing. Tensors are copied into float32 arrays when requested.
/// </summary>
public sealed class TorchBinFile
{
    private const long MaxPickleBytes = 16L << 20; // state-dict pickles of 10⁹-parameter models are well under 1 MB

    /// <summary>The globals <c>torch.save(model.state_dict())</c> writes, and nothing else.</summary>
    private static readonly FrozenDictionary<string, SafetensorsDType> StorageTypes = new Dictionary<string, SafetensorsDType>
    {
        ["torch.FloatStorage"] = SafetensorsDType.F32,
        ["torch.HalfStorage"] = SafetensorsDType.F16,
        ["torch.BFloat16Storage"] = SafetensorsDType.BF16,
        ["torch.DoubleStorage"] = SafetensorsDType.F64,
        ["torch.LongStorage"] = SafetensorsDType.I64,
        ["torch.IntStorage"] = SafetensorsDType.I32,
        ["torch.ShortStorage"] = SafetensorsDType.I16,
        ["torch.CharStorage"] = SafetensorsDType.I8,
        ["torch.ByteStorage"] = SafetensorsDType.U8,
        ["torch.BoolStorage"] = SafetensorsDType.Bool,
    }.ToFrozenDictionary();

    private static readonly FrozenSet<string> AllowedGlobals = new[]
    {
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "collections.OrderedDict",
    }.Concat(StorageTypes.Keys).ToFrozenSet();

    private readonly string _prefix;

    private TorchBinFile(string path, string prefix, IReadOnlyDictionary<string, TorchTensorRef> tensors)
    {
        Path = path;
        _prefix = prefix;
        Tensors = tensors;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, TorchTensorRef> Tensors { get; }

    public static TorchBinFile Open(string path)
    {
        var (full, fileLength) = CheckpointFile.Check(path);
        using var zip = OpenZip(full);
        var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl").ToList();
        if (pickles.Count != 1)
            throw new CheckpointException(full, $"expected one data.pkl in the torch zip archive, found {pickles.Count}.");
        var entry = pickles[0];
        CheckDeclaredLength(entry, fileLength, full);
        if (entry.Length > MaxPickleBytes)
            throw new CheckpointException(full, $"data.pkl is {entry.Length} bytes, more than a state dict needs ({MaxPickleBytes}).");
        var prefix = entry.FullName[..^"data.pkl".Length];
        var bytes = ReadEntry(entry, entry.Length, full);

        var unpickler = new RestrictedUnpickler(bytes, full, AllowedGlobals, (g, args) => Reduce(g, args, full), id => PersistentLoad(id, full));
        var root = unpickler.Load();
        var tensors = new Dictionary<string, TorchTensorRef>(StringComparer.Ordinal);
        if (root is not PickleDict dict)
            throw new CheckpointException(full, "the pickle is not a state dict (a dict of tensors).");
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name || value is not TorchTensorRef tensor)
                throw new CheckpointException(full, $"state dict entry '{key}' is not a named tensor.");
            CheckView(name, tensor, full);
            tensors[name] = tensor;
        }

        // Every reference to a storage is checked (two tensors may name one key with different
        // sizes), so no later read allocates more than the archive really holds.
        foreach (var storage in tensors.Values.Select(t => t.Storage))
        {
            var data = zip.GetEntry(prefix + "data/" + storage.Key)
                ?? throw new CheckpointException(full, $"storage data/{storage.Key} is missing from the archive.");
            int size = SafetensorsDTypes.ElementSize(storage.DType);
            if (storage.ElementCount > data.Length / size)
                throw new CheckpointException(full, $"storage data/{storage.Key} holds {data.Length} bytes but its tensors need {storage.ElementCount} × {size} (truncated or forged).");
            CheckDeclaredLength(data, fileLength, full);
        }
        return new TorchBinFile(full, prefix, tensors);
    }

    /// <summary>The tensor as a float32 array (contiguous, row-major), converting F16/BF16/F64 exactly.</summary>
    public float[] ReadFloat32(string name)
    {
        if (!Tensors.TryGetValue(name, out var tensor)) throw new CheckpointException(Path, $"tensor '{name}' is not in this file.");
        var dtype = tensor.Storage.DType;
        if (!SafetensorsDTypes.IsFloatConvertible(dtype))
            throw new CheckpointException(Path, $"tensor '{name}' is {SafetensorsDTypes.Name(dtype)}; weights must be floating point.");
        using var zip = OpenZip(Path);
        var entry = zip.GetEntry(_prefix + "data/" + tensor.Storage.Key)
            ?? throw new CheckpointException(Path, $"storage data/{tensor.Storage.Key} is missing from the archive (was the file replaced?).");
        int size = SafetensorsDTypes.ElementSize(dtype);
        if (tensor.Storage.ElementCount * size > Array.MaxLength)
            throw new CheckpointException(Path, $"tensor '{name}' lives in a storage of {tensor.Storage.ElementCount} elements, more than one array can hold; convert the checkpoint to safetensors.");
        var storage = new float[tensor.Storage.ElementCount];
        FloatConversion.ToFloat32(ReadEntry(entry, tensor.Storage.ElementCount * size, Path), dtype, storage);
        return Gather(storage, tensor);
    }

    /// <summary>Copies a strided view out of its storage (state dicts are normally contiguous).</summary>
    private static float[] Gather(float[] storage, TorchTensorRef t)
    {
        var result = new float[t.ElementCount];
        var index = new long[t.Shape.Length];
        for (long i = 0; i < result.Length; i++)
        {
            long source = t.Offset;
            for (int d = 0; d < index.Length; d++) source += index[d] * t.Stride[d];
            result[i] = storage[source];
            for (int d = index.Length - 1; d >= 0; d--)
            {
                if (++index[d] < t.Shape[d]) break;
                index[d] = 0;
            }
        }
        return result;
    }

    private static void CheckView(string name, TorchTensorRef t, string path)
    {
        if (t.Shape.Length != t.Stride.Length || t.Shape.Any(d => d < 0) || t.Stride.Any(s => s < 0) || t.Offset < 0)
            throw new CheckpointException(path, $"tensor '{name}' has an invalid shape/stride/offset.");
        // Every product below is bounded by the storage's element count before it is formed, so
        // forged sizes cannot overflow; a view with more elements than its storage (overlapping
        // strides, never written by torch.save of a state dict) is refused: it would allocate
        // beyond what the file holds.
        long count = 1;
        foreach (var d in t.Shape)
        {
            if (d != 0 && count > t.Storage.ElementCount / d)
            {
                if (t.Shape.Contains(0)) { count = 0; break; }
                throw new CheckpointException(path, $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], more elements than its storage {t.Storage.Key} holds ({t.Storage.ElementCount}).");
            }
            count *= d;
        }
        if (count == 0) return;
        long last = t.Offset;
        for (int d = 0; d < t.Shape.Length; d++)
        {
            long step = t.Shape[d] - 1;
            if (t.Stride[d] != 0 && step > (t.Storage.ElementCount - last) / t.Stride[d])
                throw new CheckpointException(path, $"tensor '{name}' (offset {t.Offset}, shape [{string.Join(", ", t.Shape)}], stride [{string.Join(", ", t.Stride)}]) reads past the end of storage {t.Storage.Key}, which has {t.Storage.ElementCount} elements.");
            last += step * t.Stride[d];
        }
        if (last >= t.Storage.ElementCount)
            throw new CheckpointException(path, $"tensor '{name}' reads element {last} of storage {t.Storage.Key}, which has {t.Storage.ElementCount} (out of range).");
    }

    /// <summary>
    /// A zip entry's declared size is a field of the archive, not a fact: it must fit in the file
    /// (stored entries) or be reachable by deflate, whose output is at most ~1032× its input.
    /// </summary>
    private static void CheckDeclaredLength(ZipArchiveEntry entry, long fileLength, string path)
    {
        if (entry.CompressedLength > fileLength || entry.Length < 0 || entry.Length > 1032 * entry.CompressedLength + 1024)
            throw new CheckpointException(path, $"{entry.FullName} claims {entry.Length} bytes from {entry.CompressedLength} stored bytes in a {fileLength}-byte archive; the archive is damaged or forged.");
    }

    private static object? Reduce(PickleGlobal global, object?[] args, string path)
    {
        switch (global.FullName)
        {
            case "collections.OrderedDict" when args.Length == 0:
                return new PickleDict();
            case "torch._utils._rebuild_parameter" when args.Length >= 1 && args[0] is TorchTensorRef t:
                return t;
            case "torch._utils._rebuild_tensor_v2" when args.Length >= 4 && args[0] is TorchStorageRef storage && args[1] is long offset:
                return new TorchTensorRef(storage, offset, Longs(args[2], path), Longs(args[3], path));
            default:
                throw new CheckpointException(path, $"the pickle applies '{global.FullName}' to unexpected arguments; refused.");
        }
    }

    private static long[] Longs(object? value, string path) =>
        value is object?[] items && items.All(i => i is long) ? items.Cast<long>().ToArray()
            : throw new CheckpointException(path, "a tensor's size or stride is not a tuple of integers.");

    /// <summary>torch's persistent id of a storage: ('storage', StorageType, key, location, numel).</summary>
    private static object PersistentLoad(object? id, string path)
    {
        if (id is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is PickleGlobal type && t[2] is string key && t[4] is long numel
            && StorageTypes.TryGetValue(type.FullName, out var dtype) && numel >= 0 && !key.Contains('/') && !key.Contains(".."))
            return new TorchStorageRef(key, dtype, numel);
        throw new CheckpointException(path, "the pickle has a persistent id that is not a torch storage reference; refused.");
    }

    private static ZipArchive OpenZip(string path)
    {
        ZipArchive? zip = null;
        try
        {
            zip = ZipFile.OpenRead(path);
            _ = zip.Entries.Count; // the central directory is read lazily; read it here so its faults surface here
            return zip;
        }
        catch (InvalidDataException e)
        {
            zip?.Dispose();
            throw new CheckpointException(path, "not a zip archive (or a damaged one): only torch's zip checkpoint format (torch ≥ 1.6) is read; re-save it or convert it to safetensors.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            zip?.Dispose();
            throw new CheckpointException(path, $"cannot be read ({e.Message}).", e);
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long length, string path)
    {
        if (length > Array.MaxLength) throw new CheckpointException(path, $"{entry.FullName} is too large to read.");
        var bytes = new byte[length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, $"{entry.FullName} is truncated.", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            // Unsupported compression, a bad deflate stream or a CRC mismatch.
            throw new CheckpointException(path, $"{entry.FullName} cannot be read from the archive ({e.Message}); the file is damaged.", e);
        }
        return bytes;
    }
}
