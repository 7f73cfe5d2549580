using AttentionLens.Tokenizers.Decoders;
using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.PostProcessors;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// The Hugging Face tokenization pipeline (Rust <c>TokenizerImpl</c>): added tokens → normalizer →
/// pre-tokenizer → model → post-processor, and ids → decoder. Stateless apart from the model's
/// thread-safe cache, so one instance may serve concurrent requests.
/// </summary>
public sealed class PipelineTokenizer : ITokenizer
{
    public PipelineTokenizer(
        IModel model,
        INormalizer? normalizer = null,
        IPreTokenizer? preTokenizer = null,
        IPostProcessor? postProcessor = null,
        IDecoder? decoder = null,
        IReadOnlyList<AddedToken>? addedTokens = null)
    {
        Model = model;
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        PostProcessor = postProcessor;
        Decoder = decoder;
        AddedVocabulary = new AddedVocabulary(addedTokens ?? [], normalizer);
        _fastPath = (IFastPath?)ByteLevelBpeFastPath.TryCreate(this) ?? BertFastPath.TryCreate(this);
    }

    private readonly IFastPath? _fastPath;

    public IModel Model { get; }
    public INormalizer? Normalizer { get; }
    public IPreTokenizer? PreTokenizer { get; }
    public IPostProcessor? PostProcessor { get; }
    public IDecoder? Decoder { get; }
    public AddedVocabulary AddedVocabulary { get; }

    public int VocabSize =>
        Model.VocabSize + AddedVocabulary.Tokens.Count(t => Model.TokenToId(t.Content) != t.Id && t.Id >= Model.VocabSize);

    public Encoding Encode(string text, string? pair = null, bool addSpecialTokens = true) =>
        Encode(text, pair, addSpecialTokens, CancellationToken.None);

    /// <summary>Encodes observing <paramref name="cancellationToken"/> in every stage: pattern matching
    /// checks between matches (one match is bounded by <see cref="Pattern.DefaultMatchTimeout"/>),
    /// pre-tokenizers before each piece, the model every 256 pieces.</summary>
    public Encoding Encode(string text, string? pair, bool addSpecialTokens, CancellationToken cancellationToken) =>
        Encode(text, pair, addSpecialTokens, cancellationToken, useFastPath: true);

    /// <summary>With <paramref name="useFastPath"/> false, every text takes the general stages (for the
    /// tests that check the fast paths against them).</summary>
    internal Encoding Encode(string text, string? pair, bool addSpecialTokens, CancellationToken cancellationToken, bool useFastPath)
    {
        ArgumentNullException.ThrowIfNull(text);
        cancellationToken.ThrowIfCancellationRequested();
        var first = EncodeSequence(TextSanitizer.ReplaceLoneSurrogates(text), 0, cancellationToken, useFastPath);
        var second = pair is null ? null : EncodeSequence(TextSanitizer.ReplaceLoneSurrogates(pair), 1, cancellationToken, useFastPath);
        EncodingBuilder result;
        if (PostProcessor is not null)
        {
            result = PostProcessor.Process(first, second, addSpecialTokens);
        }
        else
        {
            result = first;
            if (second is not null) result.Append(second);
        }
        return result.ToEncoding();
    }

    private EncodingBuilder EncodeSequence(string text, int typeId, CancellationToken cancellationToken, bool useFastPath)
    {
        if (useFastPath && _fastPath is not null)
        {
            var fast = new EncodingBuilder();
            if (_fastPath.TryEncode(text, typeId, fast, cancellationToken)) return fast;
        }
        var pre = AddedVocabulary.ExtractAndNormalize(text, Normalizer, cancellationToken);
        PreTokenizer?.PreTokenize(pre, cancellationToken);
        var builder = new EncodingBuilder();
        var buffer = new List<ModelToken>();
        var count = 0;
        foreach (var split in pre.Splits)
        {
            if ((++count & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            var tokens = split.Tokens;
            if (tokens is null)
            {
                buffer.Clear();
                Model.Tokenize(split.Normalized.Text, buffer);
                tokens = buffer;
            }
            foreach (var t in tokens)
                builder.Add(t.Id, t.Value, split.Normalized.OriginalRange(t.Start, t.End), false, typeId);
        }
        return builder;
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var tokens = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (skipSpecialTokens && AddedVocabulary.IsSpecial(id)) continue;
            var token = AddedVocabulary.ById(id)?.Content ?? Model.IdToToken(id);
            if (token is not null) tokens.Add(token);
        }
        return Decoder is null ? string.Join(" ", tokens) : string.Concat(Decoder.DecodeChain(tokens));
    }

    public int? TokenToId(string token) => AddedVocabulary.ByContent(token)?.Id ?? Model.TokenToId(token);

    public string? IdToToken(int id) => AddedVocabulary.ById(id)?.Content ?? Model.IdToToken(id);
}
