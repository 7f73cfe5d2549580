using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>
/// modeling_llama.py LlamaDecoderLayer (pre-norm): h = x + attn(rms₁(x)); y = h + mlp(rms₂(h)) with
/// LlamaMLP = down_proj(silu(gate_proj(·)) ⊙ up_proj(·)) (SwiGLU).
/// </summary>
public sealed partial class LlamaDecoderLayer
{
    private readonly RmsNorm _inputNorm;
    private readonly LlamaAttention _attention;
    private readonly RmsNorm _postNorm;
    private readonly Linear _gate;
    private readonly Linear _up;
    private readonly Linear _down;
    private readonly int _hidden;
    private readonly int _inner;

    private LlamaDecoderLayer(RmsNorm inputNorm, LlamaAttention attention, RmsNorm postNorm, Linear gate, Linear up, Linear down, int hidden, int inner)
    {
        _inputNorm = inputNorm;
        _attention = attention;
        _postNorm = postNorm;
        _gate = gate;
        _up = up;
        _down = down;
        _hidden = hidden;
        _inner = inner;
    }

    public static LlamaDecoderLayer Load(WeightScope w, LlamaConfig c) => new(
        RmsNorm.Load(w.Scope("input_layernorm"), c.HiddenSize, c.RmsNormEps),
        LlamaAttention.Load(w.Scope("self_attn"), c),
        RmsNorm.Load(w.Scope("post_attention_layernorm"), c.HiddenSize, c.RmsNormEps),
        Linear.Load(w.Scope("mlp").Scope("gate_proj"), c.HiddenSize, c.IntermediateSize, c.MlpBias),
        Linear.Load(w.Scope("mlp").Scope("up_proj"), c.HiddenSize, c.IntermediateSize, c.MlpBias),
        Linear.Load(w.Scope("mlp").Scope("down_proj"), c.IntermediateSize, c.HiddenSize, c.MlpBias),
        c.HiddenSize, c.IntermediateSize);

    /// <param name="x">(T, C) input.</param>
    /// <param name="y">(T, C) output.</param>
    /// <param name="residualMid">(T, C) receives x + attention output, or empty.</param>
    /// <param name="keysOut">Receives the layer's keys and values when not empty (see <see cref="LlamaAttention.Forward"/>).</param>
    /// <param name="outputRows">When given (the last layer, <see cref="LastLayerRows"/>), only these
    /// rows' outputs are computed and <paramref name="y"/> is (R, C); residualMid must be empty.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, Span<float> residualMid = default,
        Span<float> keysOut = default, Span<float> valuesOut = default, int zeroValueToken = -1, int[]? outputRows = null)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, tokens);
        if (outputRows is not null)
        {
            // The last layer of a pass that needs only some rows' logits (LastLayerRows): attention
            // over every row, the rest of the block on those rows; y is (R, C).
            int rows = outputRows.Length;
            using var attendedRows = new Scratch(rows * _hidden);
            using var inputRows = new Scratch(rows * _hidden);
            _attention.Forward(kernels, normed, attendedRows.Span, bias, rope, probs, valueOutputs, tokens, keysOut, valuesOut, zeroValueToken, outputRows);
            LastLayerRows.Gather(x, _hidden, outputRows, inputRows.Span);
            kernels.Add(attendedRows.Span, inputRows.Span);
            Mlp(kernels, attendedRows.Span, normed[..(rows * _hidden)], y, rows);
            return;
        }
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attention.Forward(kernels, normed, attended, bias, rope, probs, valueOutputs, tokens, keysOut, valuesOut, zeroValueToken);
        kernels.Add(attended, x);
        if (!residualMid.IsEmpty) attended.CopyTo(residualMid);
        Mlp(kernels, attended, normed, y, tokens);
    }

    /// <summary><see cref="Forward"/> of rows <paramref name="start"/>…T−1 (x and y hold those rows),
    /// reusing the cached keys and values of the rows before (<see cref="LlamaAttention.ForwardSuffix"/>).</summary>
    public void ForwardSuffix(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        ReadOnlySpan<float> cachedKeys, ReadOnlySpan<float> cachedValues, int start, int tokens)
    {
        int rows = tokens - start, n = rows * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, rows);
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attention.ForwardSuffix(kernels, normed, attended, bias, rope, cachedKeys, cachedValues, start, tokens);
        kernels.Add(attended, x);
        Mlp(kernels, attended, normed, y, rows);
    }

    /// <summary><see cref="Forward"/> of <paramref name="rows"/> tokens appended to a key/value cache at
    /// positions <paramref name="start"/>… (<see cref="LlamaAttention.Append"/>).</summary>
    public void Append(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, RopeTable rope,
        Span<float> cacheKeys, Span<float> cacheValues, int start, int rows, int[]? keyMask, int? window)
    {
        int n = rows * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, rows);
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attention.Append(kernels, normed, attended, rope, cacheKeys, cacheValues, start, rows, keyMask, window);
        kernels.Add(attended, x);
        Mlp(kernels, attended, normed, y, rows);
    }

    /// <summary>y = h + mlp(rms₂(h)) for <paramref name="tokens"/> rows; <paramref name="normed"/> is scratch.</summary>
    private void Mlp(IKernels kernels, Span<float> attended, Span<float> normed, Span<float> y, int tokens)
    {
        int n = tokens * _hidden;
        _postNorm.Forward(kernels, attended, normed, tokens);
        using var gateBuffer = new Scratch(tokens * _inner);
        var gate = gateBuffer.Span;
        using var upBuffer = new Scratch(tokens * _inner);
        var up = upBuffer.Span;
        _gate.Forward(kernels, normed, gate, tokens);
        _up.Forward(kernels, normed, up, tokens);
        kernels.SiluMultiply(gate, up);
        _down.Forward(kernels, gate, y, tokens);
        kernels.Add(y[..n], attended);
    }
}
