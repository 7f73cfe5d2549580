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
        // LM heads compute the target's row alone (Occlusion.OptionsFor); a causal LM that can reuse
        // keys and values keeps the full pass's cache, so occlusion and the AOPC passes recompute
        // only the rows from the first removed token on.
        var options = Occlusion.OptionsFor(model, target);
        ForwardResult full;
        KeyValueCache? cache = null;
        bool reuses = Occlusion.CanReusePrefix(model, out var reuse);
        if (reuses) (full, cache) = reuse.ForwardWithCache(input, options, cancellationToken);
        else full = model.Forward(input, options, cancellationToken);
        var prediction = PredictionTarget.Of(model.Info, full, input, target, choice);
        Func<ForwardResult, double> score = prediction.Score;
        double baseline = score(full);
        Func<int[], double>? scoreMasked = null;
        if (reuses && prediction.Head == ModelHead.CausalLM)
            scoreMasked = m => ScoreWithPrefixReuse(reuse, cache!, input, m, prediction, baseline, options.Threads, cancellationToken);
        var drops = scoreMasked is not null
            ? Occlusion.DropsWithCache(reuse, cache!, input, prediction, baseline, options.Threads, cancellationToken)
            : Occlusion.Drops(model, input, prediction, baseline, cancellationToken);
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
            var (comp, suff) = scoreMasked is not null
                ? Aopc(input, mask, s, scoreMasked, baseline, cancellationToken)
                : Aopc(model, input, mask, s, score, baseline, options, cancellationToken);
            comprehensiveness[method] = comp;
            sufficiency[method] = suff;
        }
        return new FaithfulnessScores(drops, prediction.Description, rho) { Comprehensiveness = comprehensiveness, Sufficiency = sufficiency };
    }

    /// <summary>Comprehensiveness and sufficiency AOPC of one score vector: for each bin, k = max(1, round(bin·T))
    /// top-scored tokens (ties broken by position); comprehensiveness = mean over bins of
    /// score(x) − score(x without the top k), sufficiency = mean of score(x) − score(only the top k).</summary>
    public static (double Comprehensiveness, double Sufficiency) Aopc(ITransformerModel model, ForwardInput input, int[] mask, double[] scores,
        Func<ForwardResult, double> score, double baseline, ForwardOptions options, CancellationToken cancellationToken) =>
        Aopc(input, mask, scores, m => score(model.Forward(input with { AttentionMask = m }, options, cancellationToken)), baseline, cancellationToken);

    /// <summary>AOPC as above, with <paramref name="scoreMasked"/> measuring the prediction under an attention mask.</summary>
    private static (double Comprehensiveness, double Sufficiency) Aopc(ForwardInput input, int[] mask, double[] scores,
        Func<int[], double> scoreMasked, double baseline, CancellationToken cancellationToken)
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
            comp += baseline - scoreMasked(without);
            suff += baseline - scoreMasked(only);
        }
        return (comp / Bins.Count, suff / Bins.Count);
    }

    /// <summary>
    /// A causal LM's prediction under <paramref name="masked"/>, recomputing rows from the first
    /// position whose mask differs from the input's: earlier positions cannot see the change. When
    /// that position follows the predicting one, the score is the baseline itself (no forward).
    /// </summary>
    private static double ScoreWithPrefixReuse(ICausalPrefixReuse model, KeyValueCache cache, ForwardInput input, int[] masked,
        PredictionTarget prediction, double baseline, int threads, CancellationToken cancellationToken)
    {
        int T = input.Length, start = 0;
        var original = input.AttentionMask;
        while (start < T && masked[start] == (original?[start] ?? 1)) start++;
        int target = prediction.Position;
        if (start > target) return baseline;
        var logits = model.LogitsFrom(cache, start, input with { AttentionMask = masked }, [target], threads, cancellationToken);
        return prediction.ScoreLogitRow(logits);
    }
}
