using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Leave-one-out occlusion (algorithms.md §8, ours): the drop of the prediction being explained when
/// input token j is masked out with <c>AttentionMask[j] = 0</c> (no position can read it; its own row
/// still runs). The prediction and its score come from <see cref="PredictionTarget"/>, by head: the
/// next / masked token's log-probability (LMs), the predicted (or chosen) label's logit (sequence and
/// token classification), the start or end logit of the predicted span (QA), minus the final hidden
/// state's displacement (bare bodies).
/// drop_j = score(full input) − score(input without j); larger = token j mattered more.
/// </summary>
public static class Occlusion
{
    public static (double[] Drops, string Description) Compute(ITransformerModel model, ForwardInput input, int target, CancellationToken cancellationToken = default)
    {
        var (drops, prediction) = Compute(model, input, target, PredictionChoice.Predicted, cancellationToken);
        return (drops, prediction.Description);
    }

    /// <param name="target">The target position (LMs, token classification); classifiers and QA explain their own prediction.</param>
    /// <param name="choice">A label / token to explain instead of the predicted one, or the end of a QA span.</param>
    public static (double[] Drops, PredictionTarget Prediction) Compute(ITransformerModel model, ForwardInput input, int target, PredictionChoice choice, CancellationToken cancellationToken = default)
    {
        int T = input.Length;
        if (target < 0 || target >= T)
            throw new AnalysisException($"target position {target} is out of range; it must be in 0..{T - 1}.", "target");
        var options = OptionsFor(model, target);
        if (CanReusePrefix(model, out var reuse))
        {
            var (full, cache) = reuse.ForwardWithCache(input, options, cancellationToken);
            var prediction = PredictionTarget.Of(model.Info, full, input, target, choice);
            double baseline = prediction.Score(full);
            var drops = prediction.Head == ModelHead.CausalLM
                ? DropsWithCache(reuse, cache, input, prediction, baseline, options.Threads, cancellationToken)
                : Drops(model, input, prediction, baseline, cancellationToken);
            return (drops, prediction);
        }
        var pass = model.Forward(input, options, cancellationToken);
        var explained = PredictionTarget.Of(model.Info, pass, input, target, choice);
        return (Drops(model, input, explained, explained.Score(pass), cancellationToken), explained);
    }

    /// <summary>
    /// The forward options of every occlusion pass: logits are computed, and an LM head computes the
    /// target's row alone (LM predictions are scored there; a 128k-word head over every position
    /// would be a fifth of a 1B model's forward per occluded token). Classifier, token-classification
    /// and QA heads are not LM heads and keep all their outputs. These passes are read for that row's
    /// logits alone, so the last layer computes its output at that row only
    /// (<see cref="ForwardOptions.LastLayerLogitRowsOnly"/>; its attention still covers every row).
    /// </summary>
    public static ForwardOptions OptionsFor(ITransformerModel model, int target) =>
        new() { ComputeLogits = true, LogitRows = model.Info.HasLmHead ? [target] : null, LastLayerLogitRowsOnly = model.Info.HasLmHead };

    /// <summary>drop_j for every attended j of <paramref name="prediction"/>, whose score on the full input is <paramref name="baseline"/>
    /// (faithfulness reuses the full pass it chose the prediction from).</summary>
    public static double[] Drops(ITransformerModel model, ForwardInput input, PredictionTarget prediction, double baseline, CancellationToken cancellationToken = default)
    {
        var options = OptionsFor(model, prediction.Position);
        if (prediction.Head == ModelHead.CausalLM && CanReusePrefix(model, out var reuse))
        {
            // One cached pass, then rows j..T−1 per occluded token instead of T.
            var (_, cache) = reuse.ForwardWithCache(input, options, cancellationToken);
            return DropsWithCache(reuse, cache, input, prediction, baseline, options.Threads, cancellationToken);
        }
        int T = input.Length;
        var drops = new double[T];
        var mask = input.AttentionMask?.ToArray() ?? Enumerable.Repeat(1, T).ToArray();
        for (int j = 0; j < T; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (mask[j] == 0) continue; // already masked (padding): nothing to remove
            var occluded = mask.ToArray();
            occluded[j] = 0;
            var result = model.Forward(input with { AttentionMask = occluded }, options, cancellationToken);
            drops[j] = baseline - prediction.Score(result);
        }
        return drops;
    }

    internal static bool CanReusePrefix(ITransformerModel model, out ICausalPrefixReuse reuse)
    {
        reuse = (model as ICausalPrefixReuse)!;
        return reuse is not null && model.Info.IsCausal && model.Info.HasLmHead;
    }

    /// <summary>
    /// The causal-LM case with reused keys and values: masking j out changes no position before j,
    /// so each occluded forward recomputes rows j…T−1 only (<see cref="ICausalPrefixReuse"/>), and a
    /// token after the predicting position cannot move its prediction at all (drop exactly 0, no
    /// forward). The scores equal the full re-runs' up to float summation order.
    /// </summary>
    internal static double[] DropsWithCache(ICausalPrefixReuse model, KeyValueCache cache, ForwardInput input, PredictionTarget prediction, double baseline, int threads, CancellationToken cancellationToken)
    {
        int T = input.Length, target = prediction.Position;
        var drops = new double[T];
        var mask = input.AttentionMask?.ToArray() ?? Enumerable.Repeat(1, T).ToArray();
        for (int j = 0; j <= target; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (mask[j] == 0) continue;
            var occluded = mask.ToArray();
            occluded[j] = 0;
            var logits = model.LogitsFrom(cache, j, input with { AttentionMask = occluded }, [target], threads, cancellationToken);
            drops[j] = baseline - prediction.ScoreLogitRow(logits);
        }
        return drops;
    }

    /// <summary>
    /// What occlusion costs, in forward passes of the whole input: one for the unoccluded input plus,
    /// per occluded token j, T (re-run) — or, for a causal LM with reusable keys and values, (T − j)/T
    /// for j ≤ target and nothing after it.
    /// </summary>
    public static double CostInForwards(ITransformerModel model, int tokens, int target)
    {
        if (!CanReusePrefix(model, out _)) return 1 + tokens;
        double rows = 0;
        for (int j = 0; j <= Math.Min(target, tokens - 1); j++) rows += tokens - j;
        return 1 + rows / tokens;
    }

    /// <summary>log softmax(v)[k] = v[k] − max − log Σ exp(v − max), in double.</summary>
    internal static double LogSoftmaxAt(ReadOnlySpan<float> v, int k)
    {
        double max = double.NegativeInfinity;
        foreach (var x in v) max = Math.Max(max, x);
        double sum = 0;
        foreach (var x in v) sum += Math.Exp(x - max);
        return v[k] - max - Math.Log(sum);
    }
}
