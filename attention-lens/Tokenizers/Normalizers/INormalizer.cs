using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>A normalization stage: rewrites a piece in place, keeping the alignment map.</summary>
public interface INormalizer
{
    void Normalize(NormalizedString text);

    /// <summary>As <see cref="Normalize(NormalizedString)"/>, observing cancellation; stages whose time
    /// is linear in the piece keep this default (one check before), pattern-driven ones check inside.</summary>
    void Normalize(NormalizedString text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Normalize(text);
    }
}
