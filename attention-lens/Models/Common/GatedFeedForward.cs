using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The gated MLP y = down(act(gate(x)) ⊙ up(x)) (Shazeer 2020, GLU variants): SwiGLU with silu
/// (Llama, Mistral, OLMo-2), GeGLU with gelu_pytorch_tanh (Gemma's hidden_activation). Phi-3 stores
/// gate and up as one gate_up_proj whose output splits in halves, gate first (Phi3MLP: chunk(2)).
/// </summary>
public sealed partial class GatedFeedForward
{
    private readonly Linear? _gate;
    private readonly Linear? _up;
    private readonly Linear? _gateUp;
    private readonly Linear _down;
    private readonly Activation _activation;
    private readonly int _inner;

    /// <summary>Separate gate_proj and up_proj.</summary>
    public GatedFeedForward(Linear gate, Linear up, Linear down, Activation activation)
    {
        _gate = gate;
        _up = up;
        _down = down;
        _activation = activation;
        _inner = gate.OutFeatures;
    }

    /// <summary>One fused gate_up_proj of 2·F outputs, gate first.</summary>
    public GatedFeedForward(Linear gateUp, Linear down, Activation activation)
    {
        _gateUp = gateUp;
        _down = down;
        _activation = activation;
        _inner = gateUp.OutFeatures / 2;
    }

    /// <param name="x">(T, C).</param>
    /// <param name="y">(T, C) overwritten.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int tokens)
    {
        int f = _inner;
        using var gateBuffer = new Scratch(tokens * f);
        var gate = gateBuffer.Span;
        using var upBuffer = new Scratch(tokens * f);
        var up = upBuffer.Span;
        GateUp(kernels, x, gate, up, tokens);
        if (_activation == Activation.Silu)
        {
            kernels.SiluMultiply(gate, up);
        }
        else
        {
            kernels.Activate(gate, _activation);
            for (int i = 0; i < gate.Length; i++) gate[i] *= up[i];
        }
        _down.Forward(kernels, gate, y, tokens);
    }

    /// <summary>g = gate(x) and u = up(x) over <paramref name="rows"/> rows; the fused gate_up_proj gives [g | u] per row.</summary>
    private void GateUp(IKernels kernels, ReadOnlySpan<float> x, Span<float> gate, Span<float> up, int rows)
    {
        int f = _inner;
        if (_gateUp is not null)
        {
            using var fusedBuffer = new Scratch(rows * 2 * f);
            var fused = fusedBuffer.Span;
            _gateUp.Forward(kernels, x, fused, rows);
            for (int r = 0; r < rows; r++)
            {
                fused.Slice(r * 2 * f, f).CopyTo(gate.Slice(r * f, f));
                fused.Slice(r * 2 * f + f, f).CopyTo(up.Slice(r * f, f));
            }
        }
        else
        {
            _gate!.Forward(kernels, x, gate, rows);
            _up!.Forward(kernels, x, up, rows);
        }
    }

    /// <summary>dx = gateᵀ dg + upᵀ du, the transpose of <see cref="GateUp"/> (the fused gate_up_proj takes [dg | du] per row).</summary>
    private void GateUpBackward(IKernels kernels, ReadOnlySpan<float> dGate, ReadOnlySpan<float> dUp, Span<float> dx, int rows)
    {
        int f = _inner, c = dx.Length / rows;
        if (_gateUp is not null)
        {
            using var fusedBuffer = new Scratch(rows * 2 * f);
            var fused = fusedBuffer.Span;
            for (int r = 0; r < rows; r++)
            {
                dGate.Slice(r * f, f).CopyTo(fused.Slice(r * 2 * f, f));
                dUp.Slice(r * f, f).CopyTo(fused.Slice(r * 2 * f + f, f));
            }
            _gateUp.Backward(kernels, fused, dx, rows);
        }
        else
        {
            _gate!.Backward(kernels, dGate, dx, rows);
            using var partBuffer = new Scratch(rows * c);
            _up!.Backward(kernels, dUp, partBuffer.Span, rows);
            kernels.Add(dx[..(rows * c)], partBuffer.Span);
        }
    }
}
