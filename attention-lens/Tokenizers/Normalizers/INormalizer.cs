using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>A normalization stage: rewrites a piece in place, keeping the alignment map.</summary>
public interface INormalizer
{
    void Normalize(NormalizedString text);
}
