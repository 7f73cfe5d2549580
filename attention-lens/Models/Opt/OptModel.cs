using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>
/// modeling_opt.py OPTModel / OPTDecoder: embed_tokens (word_embed_proj_dim wide), project_in to
/// hidden_size when the two differ, plus the learned positions (OPTLearnedPositionalEmbedding:
/// position = cumsum(mask)·mask − 1, looked up at position + 2, so padding sits at row 1), the
/// layers, final_layer_norm when the layers are pre-norm. Hidden state L is project_out's input:
/// the heads (<see cref="DecoderTaskModel"/>) apply project_out, the width transformers' own last
/// hidden state has.
/// </summary>
public sealed partial class OptModel : ITransformerModel, IDecoderBody, IDifferentiableBody
{
    /// <summary>OPT has no token classifier in transformers; its classifier is score, QA qa_outputs.</summary>
    public static DecoderHeadNames HeadNames { get; } = new(HasTokenClassification: false, HasQuestionAnswering: true);

    /// <summary>OPTLearnedPositionalEmbedding.offset.</summary>
    public const int PositionOffset = 2;

    private readonly IKernels _kernels;
    private readonly Embedding _positions;
    private readonly Linear? _projectIn;
    private readonly OptDecoderLayer[] _layers;
    private readonly LayerNorm? _finalNorm;

    private OptModel(IKernels kernels, Embedding embed, Embedding positions, Linear? projectIn, Linear? projectOut, OptDecoderLayer[] layers, LayerNorm? finalNorm, ModelInfo info)
    {
        _kernels = kernels;
        Embed = embed;
        _positions = positions;
        _projectIn = projectIn;
        ProjectOut = projectOut;
        _layers = layers;
        _finalNorm = finalNorm;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>embed_tokens (the LM head when tied).</summary>
    public Embedding Embed { get; }

    /// <summary>project_out (hidden → word_embed_proj_dim), or null when the widths agree.</summary>
    public Linear? ProjectOut { get; }

    /// <param name="w">Root scope of a store retrying with "model.decoder." and "decoder." prefixes.</param>
    public static OptModel Load(IKernels kernels, WeightScope w, OptConfig c, string configPath, string architecture)
    {
        c.Validate(configPath);
        int p = c.WordEmbedProjDim, e = c.HiddenSize;
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, p, "vocab_size");
        var positions = Embedding.Load(w.Scope("embed_positions"), c.MaxPositionEmbeddings + PositionOffset, e, "max_position_embeddings");
        Linear? projectIn = p != e ? Linear.Load(w.Scope("project_in"), p, e, bias: false) : null;
        Linear? projectOut = p != e ? Linear.Load(w.Scope("project_out"), e, p, bias: false) : null;
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => OptDecoderLayer.Load(w.Scope("layers").Scope(i.ToString()), c, configPath)).ToArray();
        var norm = c.HasFinalLayerNorm ? LayerNorm.Load(w.Scope("final_layer_norm"), e, 1e-5) : null;
        var info = new ModelInfo("opt", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.NumAttentionHeads, e, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new OptModel(kernels, embed, positions, projectIn, projectOut, layers, norm, info);
    }

    /// <summary>
    /// final_layer_norm for pre-norm OPT. Post-norm OPT (do_layer_norm_before = false) has none: each
    /// layer's output already passed its final_layer_norm, and transformers' last hidden state is the
    /// last layer's output through project_out alone, so the lens reads every layer the same way (a copy here).
    /// </summary>
    public void FinalNorm(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        if (_finalNorm is null) x[..(rows * Info.HiddenSize)].CopyTo(y);
        else _finalNorm.Forward(kernels, x, y, rows);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length;
        var bias = AttentionMasks.CausalOrPadding(input.AttentionMask, t);
        return DecoderStack.Run(Info, input, options, cancellationToken,
            h0 => EmbedTokens(kernels, input, h0, options.InputsEmbeds),
            (l, x, y, probs, values, stream, zero) => _layers[l].Forward(kernels, x, y, bias, probs, values, t, stream, l, zero),
            _finalNorm is null ? null : (x, y) => _finalNorm.Forward(kernels, x, y, t),
            // Post-norm OPT normalises the stream itself inside each layer: no residual stream to decompose.
            hasResidualStream: _finalNorm is not null);
    }

    private void EmbedTokens(IKernels kernels, ForwardInput input, Span<float> h0, float[]? inputsEmbeds = null)
    {
        int t = input.Length;
        if (_projectIn is null)
        {
            Embed.LookupOrGiven(input.InputIds, inputsEmbeds, h0);
        }
        else
        {
            using var wordsBuffer = new Scratch(t * Embed.Dim);
            var words = wordsBuffer.Span;
            Embed.LookupOrGiven(input.InputIds, inputsEmbeds, words);
            _projectIn.Forward(kernels, words, h0, t);
        }
        _positions.Lookup(PositionRows(input.AttentionMask, t), h0, accumulate: true);
    }
}
