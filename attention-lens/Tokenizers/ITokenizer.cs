namespace AttentionLens.Tokenizers;

/// <summary>A tokenizer as a checkpoint brings it: text to ids with exact source ranges, and back.</summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>Encodes <paramref name="text"/> (and <paramref name="pair"/>), with the
    /// post-processor's special tokens when <paramref name="addSpecialTokens"/>.</summary>
    Encoding Encode(string text, string? pair = null, bool addSpecialTokens = true);

    /// <summary>As <see cref="Encode(string, string?, bool)"/>, observing <paramref name="cancellationToken"/>
    /// in every long-running stage (throws <see cref="OperationCanceledException"/>). Implementations
    /// that encode in bounded time may keep this default, which checks once before encoding.</summary>
    Encoding Encode(string text, string? pair, bool addSpecialTokens, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Encode(text, pair, addSpecialTokens);
    }

    /// <summary>Decodes ids as the reference library's <c>decode</c> does.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);

    int? TokenToId(string token);

    string? IdToToken(int id);
}
