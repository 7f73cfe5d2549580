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
        var options = new ForwardOptions { ComputeLogits = true };
        var full = model.Forward(input, options, cancellationToken);
        var prediction = PredictionTarget.Of(model.Info, full, input, target, choice);
        return (Drops(model, input, prediction, prediction.Score(full), cancellationToken), prediction);
    }

    /// <summary>drop_j for every attended j of <paramref name="prediction"/>, whose score on the full input is <paramref name="baseline"/>
    /// (faithfulness reuses the full pass it chose the prediction from).</summary>
    public static double[] Drops(ITransformerModel model, ForwardInput input, PredictionTarget prediction, double baseline, CancellationToken cancellationToken = default)
    {
        int T = input.Length;
        var options = new ForwardOptions { ComputeLogits = true };
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
