namespace AttentionLens.Tensors;

/// <summary>The activations Hugging Face configs name in <c>hidden_act</c>/<c>activation_function</c>.</summary>
public enum Activation
{
    /// <summary>"gelu": exact, 0.5·x·(1 + erf(x/√2)).</summary>
    Gelu,
    /// <summary>"gelu_new" / "gelu_pytorch_tanh": 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    GeluTanh,
    Relu,
    /// <summary>"silu" / "swish": x·σ(x).</summary>
    Silu,
}
