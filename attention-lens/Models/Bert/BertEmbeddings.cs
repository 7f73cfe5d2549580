using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>modeling_bert.py BertEmbeddings: LayerNorm(word + token_type + position) (dropout is identity in eval).</summary>
public sealed partial class BertEmbeddings
{
    private readonly Embedding _word;
    private readonly Embedding _position;
    private readonly Embedding? _tokenType;
    private readonly LayerNorm _norm;
    private readonly int _hidden;

    private BertEmbeddings(Embedding word, Embedding position, Embedding? tokenType, LayerNorm norm, int hidden)
    {
        _word = word;
        _position = position;
        _tokenType = tokenType;
        _norm = norm;
        _hidden = hidden;
    }

    public Embedding Word => _word;

    public int MaxPositions => _position.Rows;

    public static BertEmbeddings Load(WeightScope w, BertConfig config) => new(
        Embedding.Load(w.Scope("word_embeddings"), config.VocabSize, config.HiddenSize, "vocab_size"),
        Embedding.Load(w.Scope("position_embeddings"), config.MaxPositionEmbeddings, config.HiddenSize, "max_position_embeddings"),
        config.TypeVocabSize > 0 ? Embedding.Load(w.Scope("token_type_embeddings"), config.TypeVocabSize, config.HiddenSize, "type_vocab_size") : null,
        LayerNorm.Load(w.Scope("LayerNorm"), config.HiddenSize, config.LayerNormEps),
        config.HiddenSize);

    /// <param name="typeIds">(T) segment ids, or null for zeros (HF's buffered token_type_ids).</param>
    /// <param name="positionIds">(T) positions (arange for BERT, padding-aware for RoBERTa).</param>
    /// <param name="output">(T, C).</param>
    /// <param name="inputsEmbeds">(T, C) word rows replacing the lookup (<see cref="ForwardOptions.InputsEmbeds"/>), or null.</param>
    public void Forward(IKernels kernels, int[] ids, int[]? typeIds, int[] positionIds, Span<float> output, float[]? inputsEmbeds = null)
    {
        int t = ids.Length;
        using var sumBuffer = new Scratch(t * _hidden);
        var sum = sumBuffer.Span;
        Sum(ids, typeIds, positionIds, sum, inputsEmbeds);
        _norm.Forward(kernels, sum, output, t);
    }

    /// <summary>word (or the given rows) + token type + position, before the LayerNorm.</summary>
    private void Sum(int[] ids, int[]? typeIds, int[] positionIds, Span<float> sum, float[]? inputsEmbeds)
    {
        int t = ids.Length;
        _word.LookupOrGiven(ids, inputsEmbeds, sum);
        if (_tokenType is not null)
            _tokenType.Lookup(typeIds ?? new int[t], sum, accumulate: true);
        else if (typeIds is not null && typeIds.Any(x => x != 0))
            throw new AttentionLensException("this model has no token type embeddings; token type ids must be 0.");
        _position.Lookup(positionIds, sum, accumulate: true);
    }
}
