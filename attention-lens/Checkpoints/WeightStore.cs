using System.Text.Json;

namespace AttentionLens.Checkpoints;

/// <summary>
/// The tensors of a checkpoint by name, read lazily as float32 (F32 safetensors in place from the
/// mapping). Names resolve through <see cref="WeightScope"/>s; a name that is not stored is retried
/// with and without each of the store's <see cref="AlternativePrefixes"/> (a base model's weights
/// sit under <c>bert.</c>, <c>transformer.</c>, <c>model.</c> in a model with a head), and a miss
/// is an error listing every name tried — never a silent fallback.
/// </summary>
public sealed class WeightStore
{
    private readonly IReadOnlyDictionary<string, WeightEntry>? _entries;
    private readonly Func<string, int[], ReadOnlyMemory<float>>? _generator;
    private readonly HashSet<string> _loaded = [];
    private long _parameterCount;

    private WeightStore(string source, IReadOnlyDictionary<string, WeightEntry>? entries, Func<string, int[], ReadOnlyMemory<float>>? generator, IReadOnlyList<string> prefixes)
    {
        Source = source;
        _entries = entries;
        _generator = generator;
        AlternativePrefixes = prefixes;
    }

    /// <summary>The file or folder the weights come from (named in errors).</summary>
    public string Source { get; }

    public IReadOnlyList<string> AlternativePrefixes { get; }

    /// <summary>The unscoped root.</summary>
    public WeightScope Root => new(this, "");

    /// <summary>Scalars read so far (tensors counted once however often they are requested).</summary>
    public long ParameterCount => Interlocked.Read(ref _parameterCount);

    /// <summary>Stored tensor names (empty for a random store).</summary>
    public IEnumerable<string> Names => _entries?.Keys ?? [];

    /// <summary>The same tensors, retrying misses with these prefixes (e.g. "bert.").</summary>
    public WeightStore WithPrefixes(params string[] prefixes) => new(Source, _entries, _generator, prefixes) { RandomType = RandomType, RandomSeed = RandomSeed };

    /// <summary>Opens the weights of a checkpoint folder: <c>model.safetensors</c>, a sharded
    /// <c>model.safetensors.index.json</c>, or <c>pytorch_model.bin</c>, in that order of preference.</summary>
    public static WeightStore Open(string directory)
    {
        // Path.Exists, not File.Exists: a folder or device under a weights name is reported as such
        // by the opener (CheckpointFile.Check) rather than skipped in favour of the next format.
        var single = Path.Combine(directory, "model.safetensors");
        if (Path.Exists(single)) return FromSafetensors(directory, [SafetensorsFile.Open(single)]);
        var index = Path.Combine(directory, "model.safetensors.index.json");
        if (Path.Exists(index)) return FromSafetensors(directory, OpenShards(index, directory));
        var bin = Path.Combine(directory, "pytorch_model.bin");
        if (Path.Exists(bin)) return FromTorchBin(directory, [TorchBinFile.Open(bin)]);
        var binIndex = Path.Combine(directory, "pytorch_model.bin.index.json");
        if (Path.Exists(binIndex))
            return FromTorchBin(directory, ShardNames(binIndex).Select(s => TorchBinFile.Open(Path.Combine(directory, s))).ToList());
        throw new CheckpointException(Path.GetFullPath(directory), "no weights found: expected model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json.");
    }

    public static WeightStore FromSafetensors(string source, IReadOnlyList<SafetensorsFile> files)
    {
        var entries = new Dictionary<string, WeightEntry>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var info in file.Tensors.Values)
            {
                if (entries.TryGetValue(info.Name, out var other))
                    throw new CheckpointException(file.Path, $"tensor '{info.Name}' is also stored in {other.File}.");
                entries[info.Name] = new WeightEntry(info.Name, info.Shape, file.Path, () => file.GetFloat32(info.Name), () => file.GetWeightData(info.Name));
            }
        return new WeightStore(Path.GetFullPath(source), entries, null, []);
    }

    public static WeightStore FromTorchBin(string source, IReadOnlyList<TorchBinFile> files)
    {
        var entries = new Dictionary<string, WeightEntry>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var name in file.Tensors.Keys)
            {
                if (entries.TryGetValue(name, out var other))
                    throw new CheckpointException(file.Path, $"tensor '{name}' is also stored in {other.File}.");
                entries[name] = new WeightEntry(name, file.Tensors[name].Shape, file.Path, () => file.ReadFloat32(name));
            }
        return new WeightStore(Path.GetFullPath(source), entries, null, []);
    }

    /// <summary>In-memory tensors (tests, converted checkpoints).</summary>
    public static WeightStore FromTensors(string source, IReadOnlyDictionary<string, (long[] Shape, float[] Data)> tensors) =>
        new(source, tensors.ToDictionary(t => t.Key, t => new WeightEntry(t.Key, t.Value.Shape, source, () => t.Value.Data), StringComparer.Ordinal), null, []);

    /// <summary>
    /// A store that makes up any requested tensor with the requested shape (benchmarks of standard
    /// sizes without a checkpoint): 1-D "*.weight" (norm gains) are ones, biases zeros, the rest
    /// uniform with standard deviation 0.02 (transformers' <c>_init_weights</c> uses a normal of that
    /// width; the shape of the distribution does not matter for timing), from a per-name seed so
    /// the same name always gets the same values.
    /// </summary>
    public static WeightStore Random(int seed) => new($"random(seed {seed})", null, (name, shape) => RandomTensor(name, shape, seed), []);

    /// <summary>
    /// <see cref="Random(int)"/> whose weight matrices and embedding tables (what
    /// <see cref="GetData"/> serves) are stored as <paramref name="type"/>, the same values rounded to
    /// it (round to nearest even), as a bf16 checkpoint of that size would be.
    /// </summary>
    public static WeightStore Random(int seed, AttentionLens.Tensors.WeightElementType type) =>
        new($"random(seed {seed}, {type})", null, (name, shape) => RandomTensor(name, shape, seed), []) { RandomType = type, RandomSeed = seed };

    private AttentionLens.Tensors.WeightElementType RandomType { get; init; }

    private int RandomSeed { get; init; }

    /// <summary>Reads <paramref name="name"/> (resolved as the class summary says) and checks its shape.</summary>
    public ReadOnlyMemory<float> Get(string name, int[] shape)
    {
        if (_generator is not null)
        {
            Count(name, shape.Aggregate(1L, (a, d) => a * d));
            return _generator(name, shape);
        }
        var entry = Resolve(name);
        CheckShape(entry, shape);
        Count(entry.Name, entry.Shape.Aggregate(1L, (a, d) => a * d));
        return entry.Load();
    }

    /// <summary>
    /// Like <see cref="Get"/>, but in the stored element type where the kernels read it (bf16/f16
    /// safetensors stay 16-bit in the mapping: weight matrices and embedding tables use this, so a
    /// bf16 checkpoint is never widened as a whole); everything else as float32.
    /// </summary>
    public AttentionLens.Tensors.WeightData GetData(string name, int[] shape)
    {
        if (_generator is not null)
        {
            if (RandomType == AttentionLens.Tensors.WeightElementType.Float32 || shape.Length < 2) return Get(name, shape);
            Count(name, shape.Aggregate(1L, (a, d) => a * d));
            return AttentionLens.Tensors.WeightData.From16Bit(RandomBits(name, shape, RandomSeed, RandomType), RandomType);
        }
        var entry = Resolve(name);
        if (entry.LoadData is null) return Get(name, shape);
        CheckShape(entry, shape);
        Count(entry.Name, entry.Shape.Aggregate(1L, (a, d) => a * d));
        return entry.LoadData();
    }

    /// <summary>The stored shape of <paramref name="name"/>, or null when it is not stored (random stores: null).</summary>
    public long[]? ShapeOf(string name) => _entries is not null && TryResolve(name, out var entry, out _) ? entry.Shape : null;

    /// <summary>True when <paramref name="name"/> resolves (always for a random store).</summary>
    public bool Contains(string name) => _generator is not null || TryResolve(name, out _, out _);

    private WeightEntry Resolve(string name) =>
        TryResolve(name, out var entry, out var tried) ? entry
            : throw new CheckpointException(Source, $"missing tensor '{name}'; tried {string.Join(", ", tried.Select(t => $"'{t}'"))} among {_entries!.Count} stored tensors. The checkpoint does not match its config's model type, or it is incomplete.");

    private bool TryResolve(string name, out WeightEntry entry, out List<string> tried)
    {
        tried = [name];
        // Old TensorFlow-converted checkpoints (bert-base-uncased) name LayerNorm parameters gamma and
        // beta; transformers renames them to weight and bias when loading (modeling_utils._fix_key).
        if (IsNormParameter(name, "weight")) tried.Add(name[..^"weight".Length] + "gamma");
        if (IsNormParameter(name, "bias")) tried.Add(name[..^"bias".Length] + "beta");
        foreach (var prefix in AlternativePrefixes)
            foreach (var candidate in tried.ToList())
                tried.Add(candidate.StartsWith(prefix, StringComparison.Ordinal) ? candidate[prefix.Length..] : prefix + candidate);
        foreach (var candidate in tried)
            if (_entries!.TryGetValue(candidate, out entry!)) return true;
        entry = null!;
        return false;
    }

    /// <summary>True for "….LayerNorm.weight"-style names: a parameter of a module whose name contains "norm".</summary>
    private static bool IsNormParameter(string name, string parameter)
    {
        if (!name.EndsWith("." + parameter, StringComparison.Ordinal)) return false;
        var module = name[..^(parameter.Length + 1)];
        return module[(module.LastIndexOf('.') + 1)..].Contains("norm", StringComparison.OrdinalIgnoreCase);
    }

    private static void CheckShape(WeightEntry entry, int[] shape)
    {
        if (!entry.Shape.SequenceEqual(shape.Select(d => (long)d)))
            throw new CheckpointException(entry.File, $"tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}] but config.json implies [{string.Join(", ", shape)}]; the config does not match the weights.");
    }

    private void Count(string name, long elements)
    {
        lock (_loaded)
            if (_loaded.Add(name)) _parameterCount += elements;
    }

    private static ReadOnlyMemory<float> RandomTensor(string name, int[] shape, int seed)
    {
        long count = shape.Aggregate(1L, (a, d) => a * d);
        var data = new float[count];
        if (name.EndsWith("bias", StringComparison.Ordinal)) return data;
        if (shape.Length == 1 && name.EndsWith("weight", StringComparison.Ordinal)) { data.AsSpan().Fill(1f); return data; }
        ulong state = RandomState(name, seed);
        for (long i = 0; i < data.LongLength; i++) data[i] = NextUniform(ref state);
        return data;
    }

    /// <summary>The values of <see cref="RandomTensor"/> for a matrix, rounded to 16 bits.</summary>
    private static ushort[] RandomBits(string name, int[] shape, int seed, AttentionLens.Tensors.WeightElementType type)
    {
        var data = new ushort[shape.Aggregate(1L, (a, d) => a * d)];
        ulong state = RandomState(name, seed);
        for (long i = 0; i < data.LongLength; i++)
        {
            float x = NextUniform(ref state);
            if (type == AttentionLens.Tensors.WeightElementType.Float16) { data[i] = BitConverter.HalfToUInt16Bits((Half)x); continue; }
            uint bits = BitConverter.SingleToUInt32Bits(x);
            data[i] = (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16); // round to nearest even (values are finite)
        }
        return data;
    }

    /// <summary>FNV-1a of the name mixed with the seed: the start of an xorshift64* stream.</summary>
    private static ulong RandomState(string name, int seed)
    {
        ulong state = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var ch in name) state = (state ^ ch) * 1099511628211UL;
        return state == 0 ? 1 : state;
    }

    /// <summary>xorshift64*, cheap enough for 10⁹ values: uniform on [−a, a] with a = 0.02·√3
    /// (standard deviation a/√3 = 0.02).</summary>
    private static float NextUniform(ref ulong state)
    {
        const float halfWidth = 0.02f * 1.7320508f;
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        float unit = ((state * 2685821657736338717UL) >> 40) * (1f / (1 << 24));
        return (2f * unit - 1f) * halfWidth;
    }

    private static List<SafetensorsFile> OpenShards(string indexPath, string directory)
    {
        var (full, map) = ReadIndex(indexPath);
        var files = ShardNames(indexPath).Select(shard => SafetensorsFile.Open(Path.Combine(directory, shard))).ToList();
        var byShard = files.ToDictionary(f => Path.GetFileName(f.Path), StringComparer.Ordinal);
        foreach (var (tensor, shard) in map)
            if (!byShard[shard].Tensors.ContainsKey(tensor))
                throw new CheckpointException(byShard[shard].Path, $"the index {full} says tensor '{tensor}' is in this shard, but it is not.");
        return files;
    }

    /// <summary>The distinct shard file names of an index, each checked to be a plain file name.</summary>
    private static List<string> ShardNames(string indexPath)
    {
        var (full, map) = ReadIndex(indexPath);
        var names = map.Values.Distinct(StringComparer.Ordinal).ToList();
        foreach (var shard in names)
            if (shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                throw new CheckpointException(full, $"shard '{shard}' is not a file name in the checkpoint folder.");
        return names;
    }

    private static (string Path, Dictionary<string, string> Map) ReadIndex(string indexPath)
    {
        var full = CheckpointFile.FullPath(indexPath);
        var text = CheckpointFile.ReadAllText(full, 64 << 20, "weights index");
        Dictionary<string, string>? map;
        try
        {
            var index = JsonSerializer.Deserialize(text, CheckpointJsonContext.Default.SafetensorsIndex);
            map = index?.WeightMap;
        }
        catch (JsonException e)
        {
            throw new CheckpointException(full, $"not a valid index ({e.Message}).", e);
        }
        if (map is null || map.Count == 0) throw new CheckpointException(full, "weight_map is missing or empty.");
        foreach (var (tensor, shard) in map)
            if (string.IsNullOrEmpty(shard))
                throw new CheckpointException(full, $"weight_map gives tensor '{tensor}' no shard file name.");
        return (full, map);
    }
}
