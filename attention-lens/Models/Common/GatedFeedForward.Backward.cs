using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The reverse mode of <see cref="GatedFeedForward"/>.</summary>
public sealed partial class GatedFeedForward
{
    /// <summary>
    /// y = down(act(g) ⊙ u), g = gate(x), u = up(x): dm = downᵀ dy, dg = dm ⊙ u ⊙ act′(g), du = dm ⊙ act(g),
    /// dx = gateᵀ dg + upᵀ du (the fused gate_up_proj takes [dg | du] per row).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int tokens)
    {
        int f = _inner, n = tokens * f;
        using var gateBuffer = new Scratch(n);
        using var upBuffer = new Scratch(n);
        Span<float> gate = gateBuffer.Span, up = upBuffer.Span;
        GateUp(kernels, x, gate, up, tokens);
        using var dmBuffer = new Scratch(n);
        using var dGateBuffer = new Scratch(n);
        using var dUpBuffer = new Scratch(n);
        Span<float> dm = dmBuffer.Span, dGate = dGateBuffer.Span, dUp = dUpBuffer.Span;
        _down.Backward(kernels, dy, dm, tokens);
        if (_activation == Activation.Silu)
        {
            ActivationBackward.SiluMultiply(gate, up, dm, dGate, dUp);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                dUp[i] = dm[i] * ScalarKernels.Activate(gate[i], _activation);
                dGate[i] = dm[i] * up[i];
            }
            ActivationBackward.Apply(gate, dGate, _activation);
        }
        GateUpBackward(kernels, dGate, dUp, dx, tokens);
    }
}
