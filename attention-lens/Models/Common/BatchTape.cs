using System.Numerics.Tensors;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A batched gradient forward through a stack of layers (<see cref="ILayerTape"/>) and its reverse, the parts
/// every <see cref="IDifferentiableBody"/> family shares: hidden state l + 1 = layer_l(hidden state l) over b·T rows,
/// the tapes kept, an optional final norm (pre-norm decoders), and the chain rule back through the tapes in
/// reverse, with the non-finite checks of <see cref="ForwardTrace.CheckFinite"/> (outputs) and
/// <see cref="GradientRunner.CheckLayer"/> (gradients). The embeddings before and their backward stay in the family.
/// </summary>
internal sealed class BatchTape
{
    private readonly ILayerTape[] _layers;
    private readonly Memory<float> _states;
    private readonly INorm? _finalNorm;
    private readonly TapeArena _arena;

    private BatchTape(ILayerTape[] layers, Memory<float> states, INorm? finalNorm, TapeArena arena, int batch, int tokens, int hidden, int heads)
    {
        _layers = layers;
        _states = states;
        _finalNorm = finalNorm;
        _arena = arena;
        Batch = batch;
        Tokens = tokens;
        Hidden = hidden;
        Heads = heads;
    }

    public int Batch { get; }
    public int Tokens { get; }
    public int Hidden { get; }
    public int Heads { get; }

    /// <summary>(b, T, C) the body's output a head reads: the final norm's output, or the last layer's.</summary>
    public float[] Last { get; private set; } = [];

    /// <summary>(L, H, T, T) the probabilities, when asked for (one sequence).</summary>
    public float[]? Attentions { get; private set; }

    /// <summary>Floats of the L + 1 hidden states of one sequence (what <see cref="Begin"/> takes per sequence); a body's
    /// <see cref="IBatchedDifferentiableBody.KeptFloatsPerSequence"/> adds its layers' tapes to this.</summary>
    public static long StateFloats(ModelInfo info, int tokens) => (long)(info.Layers + 1) * tokens * info.HiddenSize;

    /// <summary>
    /// Takes the hidden states of <paramref name="info"/>'s L layers from <paramref name="arena"/>; the family writes its
    /// embedding output, (b, T, C), into <see cref="Embedded"/> (or <see cref="EmbeddedSequence"/> by sequence) and then
    /// calls <see cref="Forward"/>.
    /// </summary>
    public static BatchTape Begin(TapeArena arena, ModelInfo info, int batch, int tokens, INorm? finalNorm)
    {
        var states = arena.Take(checked((info.Layers + 1) * batch * tokens * info.HiddenSize));
        return new BatchTape(new ILayerTape[info.Layers], states, finalNorm, arena, batch, tokens, info.HiddenSize, info.Heads);
    }

    private int Rows => Batch * Tokens;

    private Memory<float> State(int l) => _states.Slice(l * Rows * Hidden, Rows * Hidden);

    /// <summary>(b, T, C) hidden state 0, for the family's embeddings to fill.</summary>
    public Span<float> Embedded => State(0).Span;

    /// <summary>(T, C) sequence <paramref name="sequence"/>'s rows of <see cref="Embedded"/>.</summary>
    public Span<float> EmbeddedSequence(int sequence) => Embedded.Slice(sequence * Tokens * Hidden, Tokens * Hidden);

    /// <summary>Runs the layers (<paramref name="makeLayer"/> builds layer l's tape from the arena), then the final norm.</summary>
    public void Forward(IKernels kernels, Func<int, TapeArena, ILayerTape> makeLayer, bool attentions, CancellationToken cancellationToken)
    {
        if (!AllFinite(Embedded))
            throw new NonFiniteActivationException(-1, "the embedding output is not finite", "the embedding tensors (token, position and type embeddings, the embedding norm)");
        for (int l = 0; l < _layers.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l] = makeLayer(l, _arena);
            var y = State(l + 1).Span;
            _layers[l].Forward(kernels, State(l), y);
            if (!AllFinite(y))
                throw new NonFiniteActivationException(l, "the output hidden state is not finite",
                    "this layer's projections, its MLP and its norms");
        }
        var top = State(_layers.Length).Span;
        Last = new float[top.Length];
        if (_finalNorm is null) top.CopyTo(Last);
        else _finalNorm.Forward(kernels, top, Last, Rows);
        if (attentions)
        {
            if (Batch != 1) throw new ArgumentException("attention probabilities are kept for one sequence only.", nameof(attentions));
            int block = Heads * Tokens * Tokens;
            Attentions = new float[checked(_layers.Length * block)];
            for (int l = 0; l < _layers.Length; l++) _layers[l].Probs.CopyTo(Attentions.AsSpan(l * block, block));
        }
    }

    /// <summary>From ∂y/∂<see cref="Last"/> (b, T, C) to ∂y/∂(hidden state 0); every layer's ∂y/∂P into
    /// <paramref name="gradAttentions"/> (L, H, T, T; one sequence) when not null.</summary>
    public float[] Backward(IKernels kernels, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        if (gradAttentions is not null && Batch != 1) throw new ArgumentException("attention gradients are for one sequence only.", nameof(gradAttentions));
        int n = Rows * Hidden, block = Heads * Tokens * Tokens;
        var dy = new float[n];
        if (_finalNorm is null) dLast.AsSpan(0, n).CopyTo(dy);
        else _finalNorm.Backward(State(_layers.Length).Span, dLast, dy, Rows);
        var dx = new float[n];
        using var scratch = new Scratch(gradAttentions is null ? Batch * block : 0);
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dProbs = gradAttentions is null ? scratch.Span : gradAttentions.AsSpan(l * block, block);
            _layers[l].Backward(kernels, dy, dx, dProbs);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        return dy;
    }

    private static bool AllFinite(ReadOnlySpan<float> x) => float.IsFinite(TensorPrimitives.MaxMagnitude(x));
}
