using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>Maps a config's <c>hidden_act</c> / <c>activation_function</c> to an <see cref="Activation"/>
/// (transformers activations.py ACT2CLS names).</summary>
public static class ActivationNames
{
    public static Activation Parse(string? name, string field, string configPath) => name switch
    {
        "gelu" => Activation.Gelu,
        "gelu_new" or "gelu_pytorch_tanh" => Activation.GeluTanh,
        "relu" => Activation.Relu,
        "silu" or "swish" => Activation.Silu,
        _ => throw new CheckpointException(configPath, $"{field} '{name}' is not supported; supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu."),
    };
}
