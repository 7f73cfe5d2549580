using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Measures every method's scores against the model's own behaviour (docs/methods.md#faithfulness):
/// Spearman ρ against leave-one-out <see cref="Occlusion"/>, and ERASER's comprehensiveness and
/// sufficiency AOPC (DeYoung et al. 2020, §4.2) over the bins of <see cref="Bins"/>. Tokens are
/// removed as occlusion removes them (attention mask 0); the score is that of the prediction being
/// explained (<see cref="PredictionTarget"/>: the LM token, the classifier's label, the QA span's start or end).
/// </summary>
public static class Faithfulness
{
    /// <summary>The fractions of tokens removed (comprehensiveness) or kept (sufficiency).</summary>
    public static IReadOnlyList<double> Bins { get; } = [0.1, 0.2, 0.5];

    /// <param name="choice">The label / token / span end explained instead of the predicted one (null = predicted).</param>
    public static FaithfulnessScores Measure(ITransformerModel model, ForwardInput input, int target, IReadOnlyDictionary<string, double[]> scores, CancellationToken cancellationToken, PredictionChoice? choice = null)
    {
        var options = new ForwardOptions { ComputeLogits = true };
        var full = model.Forward(input, options, cancellationToken);
        var prediction = PredictionTarget.Of(model.Info, full, input, target, choice);
        Func<ForwardResult, double> score = prediction.Score;
        double baseline = score(full);
        var drops = Occlusion.Drops(model, input, prediction, baseline, cancellationToken);
        var rho = new Dictionary<AnalysisMethod, double>();
        var comprehensiveness = new Dictionary<AnalysisMethod, double>();
        var sufficiency = new Dictionary<AnalysisMethod, double>();
        int T = input.Length;
        var mask = input.AttentionMask?.ToArray() ?? Enumerable.Repeat(1, T).ToArray();
        foreach (var (name, s) in scores)
        {
            var method = new AnalysisMethod(name);
            // A constant score vector has no ranking; ρ is undefined and the method is left out.
            double r = Spearman.Rho(s, drops);
            if (!double.IsNaN(r)) rho[method] = r;
            var (comp, suff) = Aopc(model, input, mask, s, score, baseline, options, cancellationToken);
            comprehensiveness[method] = comp;
            sufficiency[method] = suff;
        }
        return new FaithfulnessScores(drops, prediction.Description, rho) { Comprehensiveness = comprehensiveness, Sufficiency = sufficiency };
    }

    /// <summary>Comprehensiveness and sufficiency AOPC of one score vector: for each bin, k = max(1, round(bin·T))
    /// top-scored tokens (ties broken by position); comprehensiveness = mean over bins of
    /// score(x) − score(x without the top k), sufficiency = mean of score(x) − score(only the top k).</summary>
    public static (double Comprehensiveness, double Sufficiency) Aopc(ITransformerModel model, ForwardInput input, int[] mask, double[] scores,
        Func<ForwardResult, double> score, double baseline, ForwardOptions options, CancellationToken cancellationToken)
    {
        int T = input.Length;
        var order = Enumerable.Range(0, T).Where(j => mask[j] != 0).OrderByDescending(j => scores[j]).ThenBy(j => j).ToArray();
        double comp = 0, suff = 0;
        foreach (var bin in Bins)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int k = Math.Clamp((int)Math.Round(bin * order.Length, MidpointRounding.AwayFromZero), 1, order.Length);
            var top = order.Take(k).ToHashSet();
            var without = mask.ToArray();
            var only = mask.ToArray();
            for (int j = 0; j < T; j++)
            {
                if (top.Contains(j)) without[j] = 0;
                else only[j] = 0;
            }
            comp += baseline - score(model.Forward(input with { AttentionMask = without }, options, cancellationToken));
            suff += baseline - score(model.Forward(input with { AttentionMask = only }, options, cancellationToken));
        }
        return (comp / Bins.Count, suff / Bins.Count);
    }
}
