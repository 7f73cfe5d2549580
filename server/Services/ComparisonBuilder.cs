using AttentionLens.Analysis;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>
/// Compares two kept analyses of one document range with the core's <see cref="ModelComparer"/>
/// (docs/methods.md §6) and maps the result to the protocol, unit ranges into the document.
/// </summary>
public static class ComparisonBuilder
{
    public static ComparisonDto Compare(StoredAnalysis a, StoredAnalysis b, TextDocument document)
    {
        if (a.SelectionStart != b.SelectionStart || a.Text != b.Text)
            throw new InvalidParamsException("the two analyses of a comparison must cover the same text.");
        var c = ModelComparer.Compare(a.Result, a.SourceTokens, b.Result, b.SourceTokens, a.Text, b.Text);
        return ToDto(c, (start, end) => document.RangeOf(a.SelectionStart + start, a.SelectionStart + end));
    }

    /// <summary>The core's comparison as the protocol sends it; <paramref name="rangeOf"/> maps a unit's
    /// character range in the compared text to a range in the document (the report uses the text itself).</summary>
    public static ComparisonDto ToDto(ComparisonResult c, Func<int, int, Protocol.Range> rangeOf)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(rangeOf);
        return new ComparisonDto(
            c.SameTokenization,
            c.Units.Select(u => new AlignedUnitDto(rangeOf(u.Range.Start, u.Range.End), u.TokensA, u.TokensB)).ToArray(),
            c.Scores.ToDictionary(p => MethodNames.Name(p.Key), p => new ScoreComparisonDto(p.Value.A, p.Value.B, p.Value.Difference)),
            c.SharedEdges.Select(AnalysisMapper.Edge).ToArray(),
            c.OnlyA.Select(AnalysisMapper.Edge).ToArray(),
            c.OnlyB.Select(AnalysisMapper.Edge).ToArray(),
            c.Merge);
    }
}
