namespace AttentionLens.Checkpoints;

/// <summary>
/// A dotted prefix into a <see cref="WeightStore"/>, mirroring the module tree:
/// <c>w.Scope("encoder").Scope("layer.0").Get("output.dense.weight", C, F)</c>.
/// </summary>
public sealed class WeightScope
{
    private readonly WeightStore _store;
    private readonly string _prefix;

    internal WeightScope(WeightStore store, string prefix)
    {
        _store = store;
        _prefix = prefix;
    }

    public WeightStore Store => _store;

    /// <summary>The scope's prefix, ending in '.' unless it is the root.</summary>
    public string Prefix => _prefix;

    public WeightScope Scope(string name) => new(_store, _prefix + name + ".");

    public string FullName(string name) => _prefix + name;

    /// <summary>The tensor <c>prefix + name</c> as float32, checked to have <paramref name="shape"/>.</summary>
    public ReadOnlyMemory<float> Get(string name, params int[] shape) => _store.Get(_prefix + name, shape);

    /// <summary>The tensor <c>prefix + name</c> in its stored element type where the kernels read it (see <see cref="WeightStore.GetData"/>).</summary>
    public AttentionLens.Tensors.WeightData GetData(string name, params int[] shape) => _store.GetData(_prefix + name, shape);

    public bool Contains(string name) => _store.Contains(_prefix + name);

    public long[]? ShapeOf(string name) => _store.ShapeOf(_prefix + name);
}
