using System.Globalization;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>The explained prediction in one line, as the report's "prediction" fact and the CLI print it.</summary>
public static class PredictionDescription
{
    /// <summary>"label plural (p = 0.980, predicted) — also singular 0.020", "start of the answer 'Paris' …",
    /// "next token ' are' (p = 0.910, predicted) — also ' is' 0.050".</summary>
    public static string Describe(PredictionDto p)
    {
        var probability = p.Probability is { } v ? string.Create(CultureInfo.InvariantCulture, $"p = {v:0.000}, ") : "";
        var how = p.Chosen ? "chosen" : "predicted";
        var what = p.Head switch
        {
            "sequenceClassification" => $"label {p.Label}",
            "tokenClassification" => $"label {p.Label} of token {p.Position}",
            "questionAnswering" => $"{(p.SpanEnd ? "end" : "start")} of the answer '{p.Span?.Text}' (tokens {p.Span?.Start}..{p.Span?.End})",
            "maskedLM" => $"masked token '{p.Label}' at {p.Position}",
            _ => $"next token '{p.Label}' at {p.Position}",
        };
        var others = string.Join(", ", p.Alternatives.Where(a => a.Index != p.Index).Take(4)
            .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Label} {a.Probability:0.000}")));
        return $"{what} ({probability}{how}){(others.Length > 0 ? " — also " + others : "")}";
    }
}
