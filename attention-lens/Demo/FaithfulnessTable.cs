using System.Globalization;
using System.Text;
using AttentionLens.Analysis;

namespace AttentionLens.Demo;

/// <summary>
/// Mean faithfulness per method (rows) and model column (docs/methods.md#faithfulness): Spearman ρ
/// against leave-one-out occlusion, ERASER comprehensiveness AOPC (higher = more faithful) and
/// sufficiency AOPC (lower = more faithful). NaN where the column's model cannot supply the method.
/// </summary>
/// <param name="Cases">Analyses averaged per column.</param>
public sealed record FaithfulnessTable(
    IReadOnlyList<string> Columns,
    IReadOnlyList<int> Cases,
    IReadOnlyList<AnalysisMethod> Methods,
    double[][] Rho,
    double[][] Comprehensiveness,
    double[][] Sufficiency)
{
    /// <summary>Three Markdown tables (ρ, comprehensiveness, sufficiency) with the case counts.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        Table(sb, "Spearman ρ vs. occlusion ↑", Rho, c);
        sb.AppendLine();
        Table(sb, "comprehensiveness AOPC ↑", Comprehensiveness, c);
        sb.AppendLine();
        Table(sb, "sufficiency AOPC ↓", Sufficiency, c);
        sb.AppendLine(string.Create(c, $"Analyses per column: {string.Join(", ", Columns.Select((col, i) => $"{col} {Cases[i]}"))}. Means over analyses; n/a: the model cannot supply the method."));
        return sb.ToString();
    }

    private void Table(StringBuilder sb, string title, double[][] values, CultureInfo c)
    {
        var head = new[] { title }.Concat(Columns).ToArray();
        var rows = Methods.Select((m, i) => new[] { MethodRegistry.Label(m) }.Concat(values[i].Select(v => double.IsNaN(v) ? "n/a" : v.ToString("0.000", c))).ToArray()).ToList();
        var widths = Enumerable.Range(0, head.Length).Select(j => rows.Append(head).Max(r => r[j].Length)).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((x, j) => j == 0 ? x.PadRight(widths[j]) : x.PadLeft(widths[j]))) + " |";
        sb.AppendLine(Line(head));
        sb.AppendLine("| " + string.Join(" | ", widths.Select((w, j) => j == 0 ? new string('-', w) : new string('-', w - 1) + ":")) + " |");
        foreach (var r in rows) sb.AppendLine(Line(r));
    }
}
