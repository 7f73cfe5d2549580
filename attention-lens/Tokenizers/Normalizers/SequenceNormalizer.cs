using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>Applies normalizers in order.</summary>
public sealed class SequenceNormalizer : INormalizer
{
    public SequenceNormalizer(IReadOnlyList<INormalizer> normalizers) => Normalizers = normalizers;

    public IReadOnlyList<INormalizer> Normalizers { get; }

    public void Normalize(NormalizedString text)
    {
        foreach (var n in Normalizers) n.Normalize(text);
    }

    public void Normalize(NormalizedString text, CancellationToken cancellationToken)
    {
        foreach (var n in Normalizers) n.Normalize(text, cancellationToken);
    }
}
