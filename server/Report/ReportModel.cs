namespace AttentionLens.Server.Report;

/// <summary>
/// Everything a standalone report shows: analyses (one model on one text each), comparisons of
/// two analyses' traced graphs, free-text notes and timings. Built by `demo` and by
/// `analyze --format html|svg`; written by <see cref="HtmlReport"/> and <see cref="SvgReport"/>.
/// </summary>
public sealed record ReportModel
{
    public required string Title { get; init; }

    public IReadOnlyList<ReportAnalysis> Analyses { get; init; } = [];

    public IReadOnlyList<ReportComparison> Comparisons { get; init; } = [];

    /// <summary>Paragraphs shown under the title (plain text; escaped when written).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Optional extra tables (e.g. a plausibility table), each rendered as an HTML table.</summary>
    public IReadOnlyList<ReportTable> Tables { get; init; } = [];

    /// <summary>Milliseconds per stage of the whole run, shown at the end; per-analysis timings
    /// come from each <see cref="AttentionLens.Analysis.AnalysisResult.TimingsMs"/>.</summary>
    public IReadOnlyDictionary<string, double>? TimingsMs { get; init; }
}
