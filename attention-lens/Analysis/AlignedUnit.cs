using AttentionLens.Tokenizers;

namespace AttentionLens.Analysis;

/// <summary>A stretch of the text that one or more tokens of each analysis cover: the smallest
/// group closed under character overlap (see <see cref="TokenAlignment"/>).</summary>
/// <param name="Range">Characters covered, [Start, End) in UTF-16 code units of the text.</param>
/// <param name="TokensA">Positions of analysis A's tokens in the unit (may be empty).</param>
/// <param name="TokensB">Positions of analysis B's tokens in the unit (may be empty).</param>
public sealed record AlignedUnit(TextRange Range, int[] TokensA, int[] TokensB);
