namespace AttentionLens.Server.Report;

/// <summary>A plain table for a report: a caption, a header row and rows of cells (plain text).</summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);
