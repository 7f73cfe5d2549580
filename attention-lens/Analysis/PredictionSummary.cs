using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>One candidate of a prediction: a label id, a vocabulary id or (QA) a token position, with its
/// softmax probability on the analysed pass. <paramref name="Label"/> is the id2label name for labels and
/// the id as text for tokens and positions (the server replaces token ids by their text).</summary>
public sealed record PredictionCandidate(int Index, string Label, double Probability);

/// <summary>
/// What the analysis explains, for the result and its readers (panels, hover, report): the head, the
/// explained candidate (<see cref="PredictionTarget"/>: its position, index, label, probability and the
/// measured quantity), the top candidates at that position, the predicted QA span, and every token's
/// predicted label for a token classifier. Probabilities are softmax over the head's outputs
/// (σ for a one-output token classifier); the QA candidates are softmax over the start (or end) logits.
/// </summary>
public sealed record PredictionSummary
{
    public required ModelHead Head { get; init; }

    /// <summary>The token position the prediction belongs to.</summary>
    public required int Position { get; init; }

    /// <summary>The explained label id, vocabulary id or QA position; −1 for a bare body.</summary>
    public required int Index { get; init; }

    public required string Label { get; init; }

    /// <summary>The explained candidate's probability (NaN for a bare body).</summary>
    public required double Probability { get; init; }

    /// <summary>True when the caller chose the label / token (<see cref="PredictionChoice.Label"/>) rather than the argmax.</summary>
    public bool Chosen { get; init; }

    /// <summary>The alternative B of a contrastive analysis ("why <see cref="Label"/> rather than B"), with its
    /// probability at <see cref="Position"/>; null when the analysis is not contrastive.</summary>
    public PredictionCandidate? Contrast { get; init; }

    /// <summary>QA: whether the span's end (not its start) is explained.</summary>
    public bool SpanEnd { get; init; }

    /// <summary>What occlusion and AOPC measure, in words.</summary>
    public required string Description { get; init; }

    /// <summary>The top candidates at <see cref="Position"/>, most probable first (every label of a small classifier).</summary>
    public required IReadOnlyList<PredictionCandidate> Alternatives { get; init; }

    /// <summary>Extractive QA: the predicted span's first and last token (inclusive).</summary>
    public (int Start, int End)? Span { get; init; }

    /// <summary>Token classification: every token's predicted label (argmax) and its probability.</summary>
    public IReadOnlyList<PredictionCandidate>? TokenLabels { get; init; }

    /// <summary>Summarises <paramref name="target"/>, chosen on <paramref name="forward"/>, with its top <paramref name="topK"/> alternatives.</summary>
    public static PredictionSummary Of(ModelInfo info, ForwardResult forward, ForwardInput input, PredictionTarget target, PredictionChoice choice, int topK)
    {
        int T = forward.Tokens;
        IReadOnlyList<PredictionCandidate> alternatives = [];
        (int, int)? span = null;
        IReadOnlyList<PredictionCandidate>? tokenLabels = null;
        switch (target.Head)
        {
            case ModelHead.SequenceClassification:
                alternatives = Top(forward.ClassifierLogits!, topK, k => Name(info, k));
                break;
            case ModelHead.TokenClassification:
            {
                var logits = forward.TokenClassifierLogits!;
                int labels = logits.Length / T;
                if (labels == 1)
                {
                    // ELECTRA's discriminator: one logit, σ = P(replaced).
                    alternatives = [new PredictionCandidate(0, Name(info, 0), Sigmoid(logits[target.Position]))];
                    tokenLabels = Enumerable.Range(0, T).Select(t => new PredictionCandidate(0, Name(info, 0), Sigmoid(logits[t]))).ToArray();
                }
                else
                {
                    alternatives = Top(logits.AsSpan(target.Position * labels, labels), topK, k => Name(info, k));
                    var rows = new PredictionCandidate[T];
                    for (int t = 0; t < T; t++) rows[t] = Top(logits.AsSpan(t * labels, labels), 1, k => Name(info, k))[0];
                    tokenLabels = rows;
                }
                break;
            }
            case ModelHead.QuestionAnswering:
            {
                span = PredictionTarget.BestSpan(forward.StartLogits!, forward.EndLogits!, input.AttentionMask);
                var logits = choice.SpanEnd ? forward.EndLogits! : forward.StartLogits!;
                alternatives = Top(logits, topK, p => p.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            }
            case ModelHead.CausalLM or ModelHead.MaskedLM:
            {
                // LogitsAt: the pass may have computed the target's row alone (Analyzer.TargetRowOnly).
                alternatives = Top(forward.LogitsAt(target.Position), topK, id => id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            }
        }
        return new PredictionSummary
        {
            Head = target.Head,
            Position = target.Position,
            Index = target.Index,
            Label = target.Label,
            Probability = target.Probability,
            Chosen = choice.Label is not null,
            Contrast = target.Contrast,
            SpanEnd = target.Head == ModelHead.QuestionAnswering && choice.SpanEnd,
            Description = target.Description,
            Alternatives = alternatives,
            Span = span,
            TokenLabels = tokenLabels,
        };
    }

    /// <summary>The <paramref name="k"/> largest softmax(<paramref name="logits"/>) entries, largest first (ties: lower index first).</summary>
    public static PredictionCandidate[] Top(ReadOnlySpan<float> logits, int k, Func<int, string> name)
    {
        // softmax_i = exp(l_i − max) / Σ exp(l_j − max), in double.
        double max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        var order = new int[logits.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var copy = logits.ToArray();
        Array.Sort(order, (a, b) => copy[b] != copy[a] ? copy[b].CompareTo(copy[a]) : a.CompareTo(b));
        int n = Math.Clamp(k, 1, order.Length);
        var top = new PredictionCandidate[n];
        for (int i = 0; i < n; i++) top[i] = new PredictionCandidate(order[i], name(order[i]), Math.Exp(copy[order[i]] - max) / sum);
        return top;
    }

    private static double Sigmoid(float x) => 1 / (1 + Math.Exp(-x));

    private static string Name(ModelInfo info, int k) => k < info.Labels.Count ? info.Labels[k] : $"LABEL_{k}";
}
