using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>
/// The nonlinearity between a head's dense layer and its classifier: tanh for BERT's pooler and
/// RoBERTa's classification head, gelu for ELECTRA's, ReLU for DistilBERT's pre_classifier, and the
/// config's <c>pooler_hidden_act</c> for DeBERTa-v2's ContextPooler.
/// </summary>
public readonly record struct HeadActivation(Activation? Kernel)
{
    /// <summary>torch.tanh (the kernels have no tanh activation: poolers are one row, applied here).</summary>
    public static HeadActivation Tanh { get; } = new(null);

    public static HeadActivation Of(Activation activation) => new(activation);

    /// <summary>A config name (ACT2FN), tanh included.</summary>
    public static HeadActivation Parse(string? name, string field, string configPath) =>
        name == "tanh" ? Tanh : Of(ActivationNames.Parse(name, field, configPath));

    public void Apply(IKernels kernels, Span<float> x)
    {
        if (Kernel is { } a) kernels.Activate(x, a);
        else for (int i = 0; i < x.Length; i++) x[i] = MathF.Tanh(x[i]);
    }

    /// <summary>In place d ← d ⊙ act′: tanh′ = 1 − tanh² from the output <paramref name="post"/>, the kernels'
    /// activations from the input <paramref name="pre"/> (<see cref="ActivationBackward"/>).</summary>
    public void Backward(ReadOnlySpan<float> pre, ReadOnlySpan<float> post, Span<float> d)
    {
        if (Kernel is { } a) ActivationBackward.Apply(pre, d, a);
        else ActivationBackward.TanhFromOutput(post, d);
    }
}
