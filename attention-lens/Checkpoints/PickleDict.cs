namespace AttentionLens.Checkpoints;

/// <summary>A dict (or OrderedDict) read from a pickle, its entries in insertion order.</summary>
public sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Entries { get; } = [];
}
