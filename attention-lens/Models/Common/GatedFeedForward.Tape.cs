using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary><see cref="GatedFeedForward"/> with its gate and up projections kept (a decoder layer's tape uses it).</summary>
public sealed partial class GatedFeedForward
{
    internal int Inner => _inner;

    /// <summary><see cref="Forward"/> over <paramref name="rows"/> rows, gate(x) and up(x) left in <paramref name="gate"/> and <paramref name="up"/>.</summary>
    internal void ForwardKept(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, Span<float> gate, Span<float> up, int rows)
    {
        int f = _inner;
        GateUp(kernels, x, gate, up, rows);
        using var actBuffer = new Scratch(rows * f);
        var act = actBuffer.Span;
        gate.CopyTo(act);
        if (_activation == Activation.Silu)
        {
            kernels.SiluMultiply(act, up);
        }
        else
        {
            kernels.Activate(act, _activation);
            for (int i = 0; i < act.Length; i++) act[i] *= up[i];
        }
        _down.Forward(kernels, act, y, rows);
    }

    /// <summary><see cref="Backward"/> from the kept gate(x) and up(x).</summary>
    internal void BackwardKept(IKernels kernels, ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy, Span<float> dx, int rows)
    {
        int f = _inner, n = rows * f;
        using var dmBuffer = new Scratch(n);
        using var dGateBuffer = new Scratch(n);
        using var dUpBuffer = new Scratch(n);
        Span<float> dm = dmBuffer.Span, dGate = dGateBuffer.Span, dUp = dUpBuffer.Span;
        _down.Backward(kernels, dy, dm, rows);
        if (_activation == Activation.Silu)
        {
            ActivationBackward.SiluMultiply(gate, up, dm, dGate, dUp);
        }
        else
        {
            // du = dm ⊙ act(g); dg = dm ⊙ u ⊙ act′(g).
            gate.CopyTo(dUp);
            kernels.Activate(dUp, _activation);
            for (int i = 0; i < n; i++)
            {
                dUp[i] *= dm[i];
                dGate[i] = dm[i] * up[i];
            }
            kernels.ActivateBackward(gate, dGate, _activation);
        }
        GateUpBackward(kernels, dGate, dUp, dx, rows);
    }
}
