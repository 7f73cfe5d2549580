using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>
/// modeling_distilbert.py DistilBertModel: Embeddings (LayerNorm(word + position), eps 1e-12, no
/// token types) and Transformer (the blocks). Hidden state 0 is the embedding output.
/// </summary>
public sealed partial class DistilBertModel : ITransformerModel, IEncoderBody, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly Embedding _word;
    private readonly Embedding _position;
    private readonly LayerNorm _norm;
    private readonly DistilBertTransformerBlock[] _layers;

    private DistilBertModel(IKernels kernels, Embedding word, Embedding position, LayerNorm norm, DistilBertTransformerBlock[] layers, ModelInfo info)
    {
        _kernels = kernels;
        _word = word;
        _position = position;
        _norm = norm;
        _layers = layers;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>The word embedding table (V, C), which the masked-LM head's projector is tied to.</summary>
    public ReadOnlyMemory<float> WordEmbeddings => _word.Weight;

    /// <summary>The word embeddings as stored (what the tied masked-LM head multiplies by).</summary>
    public Tensors.WeightData WordEmbeddingData => _word.Data;

    public static DistilBertModel Load(IKernels kernels, WeightScope w, DistilBertConfig c, string configPath, string architecture)
    {
        c.Validate(configPath);
        var e = w.Scope("embeddings");
        var word = Embedding.Load(e.Scope("word_embeddings"), c.VocabSize, c.Dim, "vocab_size");
        var position = Embedding.Load(e.Scope("position_embeddings"), c.MaxPositionEmbeddings, c.Dim, "max_position_embeddings");
        var norm = LayerNorm.Load(e.Scope("LayerNorm"), c.Dim, 1e-12);
        var layers = Enumerable.Range(0, c.NLayers).Select(i => DistilBertTransformerBlock.Load(w.Scope("transformer").Scope("layer").Scope(i.ToString()), c, configPath)).ToArray();
        var info = new ModelInfo("distilbert", architecture, c.NLayers, c.NHeads, c.NHeads, c.Dim, c.Dim / c.NHeads, c.VocabSize,
            w.Store.ParameterCount, IsCausal: false, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new DistilBertModel(kernels, word, position, norm, layers, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(input, options ?? ForwardOptions.Default, cancellationToken).ToResult();

    /// <summary>Embeddings and blocks; the trace's last hidden state is the sequence output.</summary>
    public ForwardTrace Run(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken)
    {
        int t = input.Length, c = Info.HiddenSize;
        var kernels = _kernels.WithThreads(options.Threads);
        if (t == 0) throw new AttentionLensException("the input has no tokens.");
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions}.");
        var trace = new ForwardTrace(Info.Layers, Info.Heads, t, c, options.CaptureValueOutputs, options.CapturePostNormTerms) {
            ZeroValue = options.ZeroValue,
            FirstLayer = options.ResumeFrom?.Layer ?? 0,
            LastLayer = options.StopAfterLayer ?? Info.Layers - 1,
        };
        using var sumBuffer = new Scratch(t * c);
        var sum = sumBuffer.Span;
        _word.LookupOrGiven(input.InputIds, options.InputsEmbeds, sum);
        _position.Lookup(Enumerable.Range(0, t).ToArray(), sum, accumulate: true);
        _norm.Forward(kernels, sum, trace.HiddenState(0), t);
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        int start = 0;
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing).
            resume.Hidden.AsSpan(0, t * c).CopyTo(trace.HiddenState(resume.Layer));
            start = resume.Layer;
        }
        for (int l = start; l < _layers.Length && !(l > options.StopAfterLayer); l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Forward(kernels, trace.HiddenState(l), trace.HiddenState(l + 1), bias, trace.LayerAttention(l), trace.LayerValueOutputs(l), t, trace.PostNormTerms, l, trace.ZeroValueToken(l));
        }
        return trace;
    }
}
