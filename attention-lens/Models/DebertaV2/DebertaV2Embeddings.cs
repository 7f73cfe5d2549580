using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>
/// modeling_deberta_v2.py DebertaV2Embeddings: word (+ absolute position when position_biased_input,
/// + token type when type_vocab_size > 0) in embedding_size E, embed_proj (E → C, no bias) when E ≠ C,
/// LayerNorm, then every row multiplied by its attention-mask entry (padding rows become 0).
/// </summary>
public sealed partial class DebertaV2Embeddings
{
    private readonly Embedding _word;
    private readonly Embedding? _position;
    private readonly Embedding? _tokenType;
    private readonly Linear? _project;
    private readonly LayerNorm _norm;
    private readonly int _embedding;
    private readonly int _hidden;

    private DebertaV2Embeddings(Embedding word, Embedding? position, Embedding? tokenType, Linear? project, LayerNorm norm, int embedding, int hidden)
    {
        _word = word;
        _position = position;
        _tokenType = tokenType;
        _project = project;
        _norm = norm;
        _embedding = embedding;
        _hidden = hidden;
    }

    public Embedding Word => _word;

    public static DebertaV2Embeddings Load(WeightScope w, DebertaV2Config c)
    {
        int e = c.EmbeddingSize;
        return new DebertaV2Embeddings(
            Embedding.Load(w.Scope("word_embeddings"), c.VocabSize, e, "vocab_size"),
            c.PositionBiasedInput ? Embedding.Load(w.Scope("position_embeddings"), c.MaxPositionEmbeddings, e, "max_position_embeddings") : null,
            c.TypeVocabSize > 0 ? Embedding.Load(w.Scope("token_type_embeddings"), c.TypeVocabSize, e, "type_vocab_size") : null,
            e != c.HiddenSize ? Linear.Load(w.Scope("embed_proj"), e, c.HiddenSize, bias: false) : null,
            LayerNorm.Load(w.Scope("LayerNorm"), c.HiddenSize, c.LayerNormEps), e, c.HiddenSize);
    }

    /// <param name="output">(T, C).</param>
    /// <param name="inputsEmbeds">(T, E) word rows replacing the lookup (<see cref="ForwardOptions.InputsEmbeds"/>), or null.</param>
    public void Forward(IKernels kernels, ForwardInput input, Span<float> output, float[]? inputsEmbeds = null)
    {
        int t = input.Length;
        using var sumBuffer = new Scratch(t * _embedding);
        var sum = sumBuffer.Span;
        Sum(input, sum, inputsEmbeds);
        Finish(kernels, input, sum, output);
    }

    /// <summary>word (or the given rows) + position + token type, in E.</summary>
    private void Sum(ForwardInput input, Span<float> sum, float[]? inputsEmbeds)
    {
        int t = input.Length;
        _word.LookupOrGiven(input.InputIds, inputsEmbeds, sum);
        _position?.Lookup(Enumerable.Range(0, t).ToArray(), sum, accumulate: true);
        if (_tokenType is not null)
            _tokenType.Lookup(input.TokenTypeIds ?? new int[t], sum, accumulate: true);
        else if (input.TokenTypeIds is { } types && types.Any(x => x != 0))
            throw new AttentionLensException("this model has no token type embeddings (type_vocab_size = 0); token type ids must be 0.");
    }

    /// <summary>embed_proj (when E ≠ C), LayerNorm, the mask's zero rows.</summary>
    private void Finish(IKernels kernels, ForwardInput input, Span<float> sum, Span<float> output)
    {
        int t = input.Length;
        if (_project is null)
        {
            _norm.Forward(kernels, sum, output, t);
        }
        else
        {
            using var projectedBuffer = new Scratch(t * _hidden);
            _project.Forward(kernels, sum, projectedBuffer.Span, t);
            _norm.Forward(kernels, projectedBuffer.Span, output, t);
        }
        if (input.AttentionMask is { } mask)
            for (int i = 0; i < t; i++)
                if (mask[i] == 0) output.Slice(i * _hidden, _hidden).Clear();
    }
}
