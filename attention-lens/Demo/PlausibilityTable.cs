using System.Globalization;
using System.Text;
using AttentionLens.Analysis;

namespace AttentionLens.Demo;

/// <summary>
/// How often each method ranks the true subject noun among its top <see cref="K"/> candidates
/// (word tokens other than the target; special tokens are not candidates), per model column, over <see cref="Sentences"/> held-out
/// sentences per column.
/// </summary>
/// <param name="K">The top-k cut.</param>
/// <param name="Sentences">Sentences per column.</param>
/// <param name="Columns">Column headings, e.g. "BERT fine-tuned [CLS]".</param>
/// <param name="Methods">Row methods.</param>
/// <param name="Rates">Rates[row][column] in [0, 1]; NaN where the column's model cannot supply the method.</param>
/// <param name="Chance">Per column, the expected rate of a random ranking: mean of min(k, n)/n over sentences of n words.</param>
/// <param name="ClassifierAccuracy">Fine-tuned classifier accuracy on the classification sentences.</param>
/// <param name="Gpt2AgreementAccuracy">Share of agreement sentences where GPT-2 prefers the agreeing verb form to the other.</param>
public sealed record PlausibilityTable(
    int K,
    int Sentences,
    IReadOnlyList<string> Columns,
    IReadOnlyList<AnalysisMethod> Methods,
    IReadOnlyList<double[]> Rates,
    double[] Chance,
    double ClassifierAccuracy,
    double Gpt2AgreementAccuracy)
{
    public static string MethodName(AnalysisMethod method) => MethodRegistry.Label(method);

    /// <summary>The table as aligned plain text (also valid Markdown).</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var head = new[] { $"subject noun in top-{K}" }.Concat(Columns).ToArray();
        var rows = Methods.Select((m, i) => new[] { MethodName(m) }.Concat(Rates[i].Select(r => double.IsNaN(r) ? "n/a" : r.ToString("0.000", c))).ToArray())
            .Append(new[] { "chance (random ranking)" }.Concat(Chance.Select(r => r.ToString("0.000", c))).ToArray())
            .ToList();
        var widths = Enumerable.Range(0, head.Length).Select(j => rows.Append(head).Max(r => r[j].Length)).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((x, j) => j == 0 ? x.PadRight(widths[j]) : x.PadLeft(widths[j]))) + " |";
        var sb = new StringBuilder();
        sb.AppendLine(Line(head));
        sb.AppendLine("| " + string.Join(" | ", widths.Select((w, j) => j == 0 ? new string('-', w) : new string('-', w - 1) + ":")) + " |");
        foreach (var r in rows)
        {
            sb.AppendLine(Line(r));
        }

        sb.AppendLine(string.Create(c, $"{Sentences} held-out sentences per column; fine-tuned classifier accuracy {ClassifierAccuracy:0.000}; GPT-2 prefers the agreeing verb in {Gpt2AgreementAccuracy:0.000}."));
        return sb.ToString();
    }
}
