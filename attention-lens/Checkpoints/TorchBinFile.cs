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
    private const long MaxPickleBytes = 256L << 20;

    /// <summary>The globals <c>torch.save(model.state_dict())</c> writes, and nothing else.</summary>
    private static readonly Dictionary<string, SafetensorsDType> StorageTypes = new()
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
    };

    private static readonly HashSet<string> AllowedGlobals =
    [
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "collections.OrderedDict",
        .. StorageTypes.Keys,
    ];

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
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CheckpointException(full, "file not found.");
        using var zip = OpenZip(full);
        var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl").ToList();
        if (pickles.Count != 1)
            throw new CheckpointException(full, $"expected one data.pkl in the torch zip archive, found {pickles.Count}.");
        var entry = pickles[0];
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

        foreach (var storage in tensors.Values.Select(t => t.Storage).DistinctBy(s => s.Key))
        {
            var data = zip.GetEntry(prefix + "data/" + storage.Key)
                ?? throw new CheckpointException(full, $"storage data/{storage.Key} is missing from the archive.");
            long needed = storage.ElementCount * SafetensorsDTypes.ElementSize(storage.DType);
            if (data.Length < needed)
                throw new CheckpointException(full, $"storage data/{storage.Key} holds {data.Length} bytes but its tensors need {needed} (truncated).");
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
        var entry = zip.GetEntry(_prefix + "data/" + tensor.Storage.Key)!;
        int size = SafetensorsDTypes.ElementSize(dtype);
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
        long last = t.Offset;
        if (t.ElementCount > 0)
            for (int d = 0; d < t.Shape.Length; d++) last += (t.Shape[d] - 1) * t.Stride[d];
        if (t.ElementCount > 0 && last >= t.Storage.ElementCount)
            throw new CheckpointException(path, $"tensor '{name}' reads element {last} of storage {t.Storage.Key}, which has {t.Storage.ElementCount} (out of range).");
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
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException(path, "not a zip archive: only torch's zip checkpoint format (torch ≥ 1.6) is read; re-save it or convert it to safetensors.", e);
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long length, string path)
    {
        if (length > Array.MaxLength) throw new CheckpointException(path, $"{entry.FullName} is too large to read.");
        var bytes = new byte[length];
        using var stream = entry.Open();
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointException(path, $"{entry.FullName} is truncated.", e);
        }
        return bytes;
    }
}
