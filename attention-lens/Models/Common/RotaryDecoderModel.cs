using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The body the rotary decoder families share (modeling_llama.py LlamaModel and its copies:
/// GPTNeoXModel, PhiModel, Phi3Model, GemmaModel, Olmo2Model): the token embeddings, layers that all
/// run on one rotary table and one additive mask, and a final norm, looped by <see cref="DecoderStack"/>.
/// A family gives its rotary frequencies (or overrides the table: Phi-3's LongRoPE chosen by the length) and may
/// replace the mask (Phi-3's sliding window) and the embedding (Gemma's √hidden_size normalizer).
/// The task heads are <see cref="DecoderTaskModel"/>.
/// </summary>
public abstract partial class RotaryDecoderModel : ITransformerModel, IDecoderBody, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly IRotaryDecoderLayer[] _layers;
    private readonly INorm _finalNorm;
    private readonly float[] _inverseFrequencies;
    private readonly int _rotaryDim;

    /// <param name="inverseFrequencies">θ_i of the <paramref name="rotaryDim"/> rotated channels of each head
    /// (rope_scaling's when the config has one).</param>
    protected RotaryDecoderModel(IKernels kernels, Embedding embed, IRotaryDecoderLayer[] layers, INorm finalNorm, ModelInfo info,
        float[] inverseFrequencies, int rotaryDim)
    {
        _kernels = kernels;
        Embed = embed;
        _layers = layers;
        _finalNorm = finalNorm;
        Info = info;
        _inverseFrequencies = inverseFrequencies;
        _rotaryDim = rotaryDim;
    }

    public ModelInfo Info { get; }

    /// <summary>The token embeddings (the LM head when tie_word_embeddings).</summary>
    public Embedding Embed { get; }

    /// <summary>
    /// The rotary table for positions 0..T−1 (cache_position, whatever the padding) from the fixed
    /// frequencies; a family whose frequencies depend on the length (Phi-3's LongRoPE) overrides it.
    /// </summary>
    protected virtual RopeTable Rope(int tokens) => new(tokens, _rotaryDim, 0, _inverseFrequencies);

    /// <summary>The additive mask (T, T); Llama's causal-or-padding mask (one minimum) unless a family overrides it.</summary>
    protected virtual float[] Mask(int[]? attentionMask, int tokens) => AttentionMasks.CausalOrPadding(attentionMask, tokens);

    /// <summary>Hidden state 0 (T, C); a plain lookup unless a family overrides it.</summary>
    protected virtual void EmbedTokens(ReadOnlySpan<int> ids, Span<float> h0) => Embed.Lookup(ids, h0, accumulate: false);

    /// <summary>What hidden state 0 is the word rows times (Gemma's √hidden_size normalizer; 1 otherwise), so
    /// that given inputs_embeds go through the same scaling as looked-up rows.</summary>
    protected virtual float EmbeddingScale => 1f;

    /// <summary>Hidden state 0 from given word rows (<see cref="ForwardOptions.InputsEmbeds"/>).</summary>
    private void ScaleGiven(float[] inputsEmbeds, int tokens, Span<float> h0)
    {
        if (inputsEmbeds.Length != tokens * Info.HiddenSize)
            throw new AttentionLensException($"inputs_embeds has {inputsEmbeds.Length} values; {tokens} tokens × {Info.HiddenSize} channels need {tokens * Info.HiddenSize}.");
        inputsEmbeds.AsSpan().CopyTo(h0);
        float scale = EmbeddingScale;
        if (scale != 1f)
            for (int i = 0; i < h0.Length; i++) h0[i] *= scale;
    }

    /// <summary>Loads <paramref name="count"/> layers from the scopes "layers.0", "layers.1", ...</summary>
    protected static TLayer[] LoadLayers<TLayer>(WeightScope w, int count, Func<WeightScope, TLayer> load) =>
        Enumerable.Range(0, count).Select(i => load(w.Scope("layers").Scope(i.ToString()))).ToArray();

    public void FinalNorm(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) => _finalNorm.Forward(kernels, x, y, rows);

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length;
        var rope = Rope(t);
        var bias = Mask(input.AttentionMask, t);
        return DecoderStack.Run(Info, input, options, cancellationToken,
            h0 =>
            {
                if (options.InputsEmbeds is null) EmbedTokens(input.InputIds, h0);
                else ScaleGiven(options.InputsEmbeds, input.Length, h0);
            },
            (l, x, y, probs, values, stream, zero) => _layers[l].Forward(kernels, x, y, bias, rope, probs, values, t, stream, l, zero),
            (x, y) => _finalNorm.Forward(kernels, x, y, t));
    }
}
