namespace AttentionLens.Models.Heads;

/// <summary>What a head computed, in <see cref="ForwardResult"/>'s shapes; fields a head does not produce are null.</summary>
public sealed record HeadOutputs
{
    public float[]? Logits { get; init; }
    public float[]? ClassifierLogits { get; init; }
    public float[]? TokenClassifierLogits { get; init; }
    public float[]? StartLogits { get; init; }
    public float[]? EndLogits { get; init; }
    public float[]? PooledOutput { get; init; }
}
