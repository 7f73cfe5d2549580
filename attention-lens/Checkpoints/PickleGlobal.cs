namespace AttentionLens.Checkpoints;

/// <summary>A reference to a Python global (<c>module.name</c>) read from a pickle; never resolved to code.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}
