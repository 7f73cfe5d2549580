using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// "The prediction" of a forward pass, by head (<see cref="ModelInfo.Head"/>), and how to measure it
/// again on another pass of the same input (occluded, perturbed):
/// <list type="bullet">
/// <item>causal LM: at the target position, the log-probability of the next token predicted there
/// (argmax, or the caller's token);</item>
/// <item>masked LM: at the target position, the log-probability of the target's input token (or the
/// caller's token) — with a mask token there, pass the token to explain;</item>
/// <item>sequence classification: the logit of the predicted label (argmax, or the caller's), whose
/// softmax probability is reported; the head reads the first token (encoders);</item>
/// <item>token classification: at the target position, the logit of that token's predicted label
/// (or the caller's); a one-output head (ELECTRA's discriminator) reports σ(logit);</item>
/// <item>extractive QA: the start logit of the predicted span (or its end logit), the span being the
/// best (s ≤ e, e − s &lt; 15) by start_s + end_e, as transformers' question-answering pipeline picks it;</item>
/// <item>a bare body: minus the distance of the target's final hidden state from its value here.</item>
/// </list>
/// With a contrast B (<see cref="PredictionChoice.Contrast"/>) every head that has one — classifiers,
/// token classifiers with two labels or more, LMs — measures the logit difference z[A] − z[B] instead
/// ("why A rather than B", Yin &amp; Neubig 2022; docs/methods.md#contrastive).
/// Logits are compared as they are (not probabilities) for classifiers, following the occlusion
/// practice of the seed papers; LMs use log-probabilities, which do not depend on the vocabulary's
/// common offset.
/// </summary>
public sealed class PredictionTarget
{
    /// <summary>Longest answer span considered (transformers' QuestionAnsweringPipeline max_answer_len).</summary>
    public const int MaxAnswerLength = 15;

    private readonly Func<ForwardResult, double> _score;

    private PredictionTarget(ModelHead head, int position, int index, string label, double probability, string description, Func<ForwardResult, double> score, PredictionCandidate? contrast = null)
    {
        Head = head;
        Position = position;
        Index = index;
        Label = label;
        Probability = probability;
        Description = description;
        _score = score;
        Contrast = contrast;
    }

    /// <summary>The alternative B of a contrastive target (its id, label and probability), or null; the
    /// measured quantity is then the logit difference z[A] − z[B] (docs/methods.md#contrastive).</summary>
    public PredictionCandidate? Contrast { get; }

    public ModelHead Head { get; }

    /// <summary>The token position the prediction belongs to (the target, the classified token, the span's start or end).</summary>
    public int Position { get; }

    /// <summary>The class id, token id or (QA) span end/start index explained; −1 for a bare body.</summary>
    public int Index { get; }

    /// <summary>The label name (id2label), the token id as text, or "start"/"end" for QA.</summary>
    public string Label { get; }

    /// <summary>The prediction's probability on the pass it was chosen from (NaN for a bare body).</summary>
    public double Probability { get; }

    /// <summary>What is measured, in words (reports, occlusion).</summary>
    public string Description { get; }

    /// <summary>The measured quantity on <paramref name="result"/>; on the pass the target was chosen from it is the baseline.</summary>
    public double Score(ForwardResult result) => _score(result);

    /// <param name="full">The pass whose prediction is explained (the unoccluded input).</param>
    /// <param name="position">The target position (LMs, token classification); classifiers and QA choose their own.</param>
    public static PredictionTarget Of(ModelInfo info, ForwardResult full, ForwardInput input, int position, PredictionChoice? choice = null)
    {
        choice ??= PredictionChoice.Predicted;
        int T = full.Tokens;
        if (position < 0 || position >= T)
            throw new AnalysisException($"target position {position} is out of range; it must be in 0..{T - 1}.", "target");
        if (full.ClassifierLogits is { Length: > 0 } cls)
        {
            int k = Pick(cls, choice.Label, "label");
            int at = info.IsCausal ? LastAttended(input) : 0;
            if (ContrastOf(cls, k, choice, "label", b => LabelName(info, b)) is { } vs)
                return new PredictionTarget(ModelHead.SequenceClassification, at, k, LabelName(info, k), Softmax(cls, k),
                    $"logit of label '{LabelName(info, k)}' minus logit of label '{vs.Label}' (why '{LabelName(info, k)}' rather than '{vs.Label}')",
                    r => Need(r.ClassifierLogits, "sequence-classification logits")[k] - (double)Need(r.ClassifierLogits, "sequence-classification logits")[vs.Index], vs);
            return new PredictionTarget(ModelHead.SequenceClassification, at, k, LabelName(info, k), Softmax(cls, k),
                $"logit of label '{LabelName(info, k)}' ({(choice.Label is null ? "predicted" : "chosen")})", r => Need(r.ClassifierLogits, "sequence-classification logits")[k]);
        }
        if (full.TokenClassifierLogits is { } tok)
        {
            int labels = tok.Length / T;
            var row = tok.AsSpan(position * labels, labels);
            int k = labels == 1 ? 0 : Pick(row, choice.Label, "label");
            double p = labels == 1 ? 1 / (1 + Math.Exp(-row[0])) : Softmax(row, k);
            if (choice.Contrast is not null && labels == 1)
                throw new AnalysisException("contrast needs two labels or more; this token classifier has one output (σ of one logit).", "contrast");
            if (ContrastOf(row, k, choice, "label", b => LabelName(info, b)) is { } vs)
                return new PredictionTarget(ModelHead.TokenClassification, position, k, LabelName(info, k), p,
                    $"logit of label '{LabelName(info, k)}' minus logit of label '{vs.Label}' at position {position} (why '{LabelName(info, k)}' rather than '{vs.Label}')",
                    r => Need(r.TokenClassifierLogits, "token-classification logits")[position * labels + k] - (double)Need(r.TokenClassifierLogits, "token-classification logits")[position * labels + vs.Index], vs);
            return new PredictionTarget(ModelHead.TokenClassification, position, k, LabelName(info, k), p,
                $"logit of label '{LabelName(info, k)}' at position {position}", r => Need(r.TokenClassifierLogits, "token-classification logits")[position * labels + k]);
        }
        if (full.StartLogits is { } start && full.EndLogits is { } end)
        {
            if (choice.Contrast is not null)
                throw new AnalysisException("contrast applies to classifiers and language models; a question-answering head explains its span's start or end (use qaEnd for the end).", "contrast");
            var (s, e) = BestSpan(start, end, input.AttentionMask);
            return choice.SpanEnd
                ? new PredictionTarget(ModelHead.QuestionAnswering, e, e, "end", Softmax(end, e), $"end logit of the predicted span {s}..{e} (at {e})", r => Need(r.EndLogits, "end logits")[e])
                : new PredictionTarget(ModelHead.QuestionAnswering, s, s, "start", Softmax(start, s), $"start logit of the predicted span {s}..{e} (at {s})", r => Need(r.StartLogits, "start logits")[s]);
        }
        if (full.Logits is not null)
        {
            // LogitsAt reads the row whether the pass computed every position or only some
            // (ForwardOptions.LogitRows: occlusion and faithfulness ask for the target's row alone).
            var row = full.LogitsAt(position);
            int vocab = row.Length;
            if (info.IsCausal)
            {
                int id = Pick(row, choice.Label, "token");
                if (ContrastOf(row, id, choice, "token", Invariant) is { } vs)
                    return new PredictionTarget(ModelHead.CausalLM, position, id, Invariant(id), Math.Exp(Occlusion.LogSoftmaxAt(row, id)),
                        $"logit of next token {id} minus logit of token {vs.Index} at position {position} (= the difference of their log-probabilities; why {id} rather than {vs.Index})",
                        r => LogitDifference(LmRow(r, position), id, vs.Index), vs);
                return new PredictionTarget(ModelHead.CausalLM, position, id, id.ToString(System.Globalization.CultureInfo.InvariantCulture), Math.Exp(Occlusion.LogSoftmaxAt(row, id)),
                    $"log-probability of the {(choice.Label is null ? "predicted" : "chosen")} next token {id} at position {position}", r => Occlusion.LogSoftmaxAt(LmRow(r, position), id));
            }
            int token = choice.Label ?? input.InputIds[position];
            if ((uint)token >= (uint)vocab) throw new AnalysisException($"token {token} is outside the vocabulary (0..{vocab - 1}).", "label");
            if (ContrastOf(row, token, choice, "token", Invariant) is { } mvs)
                return new PredictionTarget(ModelHead.MaskedLM, position, token, Invariant(token), Math.Exp(Occlusion.LogSoftmaxAt(row, token)),
                    $"masked-LM logit of token {token} minus logit of token {mvs.Index} at position {position} (why {token} rather than {mvs.Index})",
                    r => LogitDifference(LmRow(r, position), token, mvs.Index), mvs);
            return new PredictionTarget(ModelHead.MaskedLM, position, token, token.ToString(System.Globalization.CultureInfo.InvariantCulture), Math.Exp(Occlusion.LogSoftmaxAt(row, token)),
                $"masked-LM log-probability of token {token} at position {position}", r => Occlusion.LogSoftmaxAt(LmRow(r, position), token));
        }
        if (choice.Contrast is not null)
            throw new AnalysisException("contrast needs a model head (classifier or language model); this model is a bare body.", "contrast");
        int C = full.Hidden, last = full.HiddenStates.Length / C / T - 1;
        var reference = full.HiddenStates.AsSpan((last * T + position) * C, C).ToArray();
        return new PredictionTarget(ModelHead.Base, position, -1, "", double.NaN,
            $"minus the distance of position {position}'s final hidden state from its unoccluded value (the model has no head)", r =>
            {
                var h = r.HiddenStates.AsSpan((last * r.Tokens + position) * C, C);
                double s = 0;
                for (int c = 0; c < C; c++) s += (h[c] - (double)reference[c]) * (h[c] - (double)reference[c]);
                return -Math.Sqrt(s);
            });
    }

    /// <summary>argmax s ≤ e &lt; s + <see cref="MaxAnswerLength"/> of start_s + end_e over attended tokens.</summary>
    public static (int Start, int End) BestSpan(ReadOnlySpan<float> start, ReadOnlySpan<float> end, int[]? mask)
    {
        int bestS = 0, bestE = 0;
        double best = double.NegativeInfinity;
        for (int s = 0; s < start.Length; s++)
        {
            if (mask is not null && mask[s] == 0) continue;
            for (int e = s; e < Math.Min(end.Length, s + MaxAnswerLength); e++)
            {
                if (mask is not null && mask[e] == 0) continue;
                double v = (double)start[s] + end[e];
                if (v > best) { best = v; bestS = s; bestE = e; }
            }
        }
        return (bestS, bestE);
    }

    /// <summary>The LM logits of <paramref name="position"/> on another pass (all rows or only some).</summary>
    private static ReadOnlySpan<float> LmRow(ForwardResult r, int position)
    {
        Need(r.Logits, "logits");
        return r.LogitsAt(position);
    }

    /// <summary>
    /// The score of an LM prediction from the V logits of its position alone, as
    /// <see cref="Score"/> would measure it on a pass holding that row: what a pass that recomputes
    /// only some rows returns (<see cref="ICausalPrefixReuse.LogitsFrom"/>).
    /// </summary>
    public double ScoreLogitRow(ReadOnlySpan<float> row) => Head is ModelHead.CausalLM or ModelHead.MaskedLM
        ? Contrast is { } b ? LogitDifference(row, Index, b.Index) : Occlusion.LogSoftmaxAt(row, Index)
        : throw new InvalidOperationException($"a {Head} prediction is not scored from one row of LM logits.");

    /// <summary>z[a] − z[b], in double: a contrastive LM target. It equals log p(a) − log p(b) (the softmax
    /// normaliser cancels), so it is the log-odds of A against B.</summary>
    private static double LogitDifference(ReadOnlySpan<float> row, int a, int b) => (double)row[a] - row[b];

    private static string Invariant(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The contrast B of <paramref name="choice"/> checked against the row (in range, not A itself), or null.</summary>
    private static PredictionCandidate? ContrastOf(ReadOnlySpan<float> row, int explained, PredictionChoice choice, string what, Func<int, string> name)
    {
        if (choice.Contrast is not int b) return null;
        if ((uint)b >= (uint)row.Length)
            throw new AnalysisException($"contrast {what} {b} is out of range; it must be in 0..{row.Length - 1}.", "contrast");
        if (b == explained)
            throw new AnalysisException($"contrast {what} {b} is the explained {what} itself; \"why A rather than A\" has nothing to explain — pick another alternative.", "contrast");
        return new PredictionCandidate(b, name(b), Softmax(row, b));
    }

    private static float[] Need(float[]? values, string what) =>
        values ?? throw new AnalysisException($"the forward pass produced no {what}; the model's head changed between passes.", "target");

    private static int Pick(ReadOnlySpan<float> row, int? chosen, string what)
    {
        if (chosen is int k)
        {
            if ((uint)k >= (uint)row.Length) throw new AnalysisException($"{what} {k} is out of range; it must be in 0..{row.Length - 1}.", what);
            return k;
        }
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    private static string LabelName(ModelInfo info, int k) => k < info.Labels.Count ? info.Labels[k] : $"LABEL_{k}";

    private static double Softmax(ReadOnlySpan<float> row, int k) => Math.Exp(Occlusion.LogSoftmaxAt(row, k));

    /// <summary>Decoder classifiers read the last attended token (transformers: the last non-pad token).</summary>
    private static int LastAttended(ForwardInput input)
    {
        if (input.AttentionMask is not { } mask) return input.Length - 1;
        for (int i = mask.Length - 1; i >= 0; i--) if (mask[i] != 0) return i;
        return input.Length - 1;
    }
}
