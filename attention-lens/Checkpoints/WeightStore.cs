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
    public WeightStore WithPrefixes(params string[] prefixes) => new(Source, _entries, _generator, prefixes);

    /// <summary>Opens the weights of a checkpoint folder: <c>model.safetensors</c>, a sharded
    /// <c>model.safetensors.index.json</c>, or <c>pytorch_model.bin</c>, in that order of preference.</summary>
    public static WeightStore Open(string directory)
    {
        var single = Path.Combine(directory, "model.safetensors");
        if (File.Exists(single)) return FromSafetensors(directory, [SafetensorsFile.Open(single)]);
        var index = Path.Combine(directory, "model.safetensors.index.json");
        if (File.Exists(index)) return FromSafetensors(directory, OpenShards(index, directory));
        var bin = Path.Combine(directory, "pytorch_model.bin");
        if (File.Exists(bin)) return FromTorchBin(TorchBinFile.Open(bin));
        throw new CheckpointException(Path.GetFullPath(directory), "no weights found: expected model.safetensors, model.safetensors.index.json or pytorch_model.bin.");
    }

    public static WeightStore FromSafetensors(string source, IReadOnlyList<SafetensorsFile> files)
    {
        var entries = new Dictionary<string, WeightEntry>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var info in file.Tensors.Values)
            {
                if (entries.TryGetValue(info.Name, out var other))
                    throw new CheckpointException(file.Path, $"tensor '{info.Name}' is also stored in {other.File}.");
                entries[info.Name] = new WeightEntry(info.Name, info.Shape, file.Path, () => file.GetFloat32(info.Name));
            }
        return new WeightStore(Path.GetFullPath(source), entries, null, []);
    }

    public static WeightStore FromTorchBin(TorchBinFile file) =>
        new(file.Path, file.Tensors.ToDictionary(t => t.Key, t => new WeightEntry(t.Key, t.Value.Shape, file.Path, () => file.ReadFloat32(t.Key)), StringComparer.Ordinal), null, []);

    /// <summary>In-memory tensors (tests, converted checkpoints).</summary>
    public static WeightStore FromTensors(string source, IReadOnlyDictionary<string, (long[] Shape, float[] Data)> tensors) =>
        new(source, tensors.ToDictionary(t => t.Key, t => new WeightEntry(t.Key, t.Value.Shape, source, () => t.Value.Data), StringComparer.Ordinal), null, []);

    /// <summary>
    /// A store that makes up any requested tensor with the requested shape (benchmarks of standard
    /// sizes without a checkpoint): 1-D "*.weight" (norm gains) are ones, biases zeros, the rest
    /// N(0, 0.02²) as transformers' <c>_init_weights</c> draws them, from a per-name seed so the
    /// same name always gets the same values.
    /// </summary>
    public static WeightStore Random(int seed) => new($"random(seed {seed})", null, (name, shape) => RandomTensor(name, shape, seed), []);

    /// <summary>Reads <paramref name="name"/> (resolved as the class summary says) and checks its shape.</summary>
    public ReadOnlyMemory<float> Get(string name, int[] shape)
    {
        if (_generator is not null)
        {
            Count(name, shape.Aggregate(1L, (a, d) => a * d));
            return _generator(name, shape);
        }
        var entry = Resolve(name);
        if (!entry.Shape.SequenceEqual(shape.Select(d => (long)d)))
            throw new CheckpointException(entry.File, $"tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}] but config.json implies [{string.Join(", ", shape)}]; the config does not match the weights.");
        Count(entry.Name, entry.Shape.Aggregate(1L, (a, d) => a * d));
        return entry.Load();
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
        foreach (var prefix in AlternativePrefixes)
            tried.Add(name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : prefix + name);
        foreach (var candidate in tried)
            if (_entries!.TryGetValue(candidate, out entry!)) return true;
        entry = null!;
        return false;
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
        uint hash = 2166136261;
        foreach (var ch in name) hash = (hash ^ ch) * 16777619;
        var random = new Random(unchecked((int)hash) ^ seed);
        for (int i = 0; i < data.Length; i += 2)
        {
            // Box–Muller: two normals from two uniforms.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)) * 0.02;
            data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < data.Length) data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return data;
    }

    private static List<SafetensorsFile> OpenShards(string indexPath, string directory)
    {
        var full = Path.GetFullPath(indexPath);
        Dictionary<string, string>? map;
        try
        {
            var index = JsonSerializer.Deserialize(File.ReadAllText(full), CheckpointJsonContext.Default.SafetensorsIndex);
            map = index?.WeightMap;
        }
        catch (JsonException e)
        {
            throw new CheckpointException(full, $"not a valid index ({e.Message}).", e);
        }
        if (map is null || map.Count == 0) throw new CheckpointException(full, "weight_map is missing or empty.");
        var files = new List<SafetensorsFile>();
        foreach (var shard in map.Values.Distinct(StringComparer.Ordinal))
        {
            if (shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                throw new CheckpointException(full, $"shard '{shard}' is not a file name in the checkpoint folder.");
            var file = SafetensorsFile.Open(Path.Combine(directory, shard));
            files.Add(file);
        }
        var byShard = files.ToDictionary(f => Path.GetFileName(f.Path), StringComparer.Ordinal);
        foreach (var (tensor, shard) in map)
            if (!byShard[shard].Tensors.ContainsKey(tensor))
                throw new CheckpointException(byShard[shard].Path, $"the index says tensor '{tensor}' is in this shard, but it is not.");
        return files;
    }
}
