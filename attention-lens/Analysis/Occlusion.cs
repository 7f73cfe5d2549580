using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Leave-one-out occlusion (algorithms.md §8, ours): the drop of the target's score when input token
/// j is masked out with <c>AttentionMask[j] = 0</c> (no position can read it; its own row still runs).
/// The target score, chosen by what the model produces:
/// <list type="bullet">
/// <item>a sequence classifier (<c>ClassifierLogits</c>): the logit of the class predicted on the
/// unoccluded input;</item>
/// <item>a causal LM: the log-probability, at the target position, of the token predicted there
/// (argmax) on the unoccluded input — the next-token prediction being explained;</item>
/// <item>a masked LM (bidirectional, with logits): the log-probability of the target's own input
/// token at the target position;</item>
/// <item>a bare encoder (no head): minus the distance ‖h_t − h_t^(−j)‖ of the target's final hidden
/// state from its unoccluded value, so the drop is that distance.</item>
/// </list>
/// drop_j = score(full input) − score(input without j); larger = token j mattered more.
/// </summary>
public static class Occlusion
{
    public static (double[] Drops, string Description) Compute(ITransformerModel model, ForwardInput input, int target, CancellationToken cancellationToken = default)
    {
        int T = input.Length;
        if (target < 0 || target >= T)
            throw new AnalysisException($"target position {target} is out of range; it must be in 0..{T - 1}.", "target");
        // Only the target's logits enter the score (a 128k-word head over every position would be
        // a fifth of a 1B model's forward per occluded token).
        var options = new ForwardOptions { ComputeLogits = true, LogitRows = [target] };
        if (model is ICausalPrefixReuse reuse && model.Info.IsCausal && model.Info.HasLmHead)
            return WithPrefixReuse(reuse, input, target, options, cancellationToken);
        var full = model.Forward(input, options, cancellationToken);
        var (score, description) = Scorer(model.Info, full, input, target);
        double baseline = score(full);
        var drops = new double[T];
        var mask = input.AttentionMask?.ToArray() ?? Enumerable.Repeat(1, T).ToArray();
        for (int j = 0; j < T; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (mask[j] == 0) continue; // already masked (padding): nothing to remove
            var occluded = mask.ToArray();
            occluded[j] = 0;
            var result = model.Forward(input with { AttentionMask = occluded }, options, cancellationToken);
            drops[j] = baseline - score(result);
        }
        return (drops, description);
    }

    /// <summary>
    /// The causal-LM case with reused keys and values: masking j out changes no position before j,
    /// so each occluded forward recomputes rows j…T−1 only (<see cref="ICausalPrefixReuse"/>), and a
    /// token after the target cannot move the target's prediction at all (drop exactly 0, no forward).
    /// The scores equal the full re-runs' up to float summation order.
    /// </summary>
    private static (double[] Drops, string Description) WithPrefixReuse(ICausalPrefixReuse model, ForwardInput input, int target, ForwardOptions options, CancellationToken cancellationToken)
    {
        int T = input.Length;
        var (full, cache) = model.ForwardWithCache(input, options, cancellationToken);
        int p = ArgMax(full.LogitsAt(target));
        double baseline = LogSoftmaxAt(full.LogitsAt(target), p);
        var drops = new double[T];
        var mask = input.AttentionMask?.ToArray() ?? Enumerable.Repeat(1, T).ToArray();
        for (int j = 0; j <= target; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (mask[j] == 0) continue;
            var occluded = mask.ToArray();
            occluded[j] = 0;
            var logits = model.LogitsFrom(cache, j, input with { AttentionMask = occluded }, [target], options.Threads, cancellationToken);
            drops[j] = baseline - LogSoftmaxAt(logits, p);
        }
        return (drops, $"log-probability of the predicted next token {p} at position {target}");
    }

    /// <summary>
    /// What occlusion costs, in forward passes of the whole input: one for the unoccluded input plus,
    /// per occluded token j, T (re-run) — or, for a causal LM with reusable keys and values, (T − j)/T
    /// for j ≤ target and nothing after it.
    /// </summary>
    public static double CostInForwards(ITransformerModel model, int tokens, int target)
    {
        if (!(model is ICausalPrefixReuse && model.Info.IsCausal && model.Info.HasLmHead)) return 1 + tokens;
        double rows = 0;
        for (int j = 0; j <= Math.Min(target, tokens - 1); j++) rows += tokens - j;
        return 1 + rows / tokens;
    }

    private static (Func<ForwardResult, double> Score, string Description) Scorer(ModelInfo info, ForwardResult full, ForwardInput input, int target)
    {
        if (full.ClassifierLogits is { Length: > 0 } cls)
        {
            int c = ArgMax(cls);
            return (r => r.ClassifierLogits![c], $"logit of class {c} (predicted on the full input)");
        }
        if (full.Logits is not null)
        {
            if (info.IsCausal)
            {
                int p = ArgMax(full.LogitsAt(target));
                return (r => LogSoftmaxAt(r.LogitsAt(target), p), $"log-probability of the predicted next token {p} at position {target}");
            }
            int id = input.InputIds[target];
            return (r => LogSoftmaxAt(r.LogitsAt(target), id), $"masked-LM log-probability of token {id} at position {target}");
        }
        int C = full.Hidden, last = full.HiddenStates.Length / C / full.Tokens - 1;
        var reference = full.HiddenStates.AsSpan((last * full.Tokens + target) * C, C).ToArray();
        return (r =>
        {
            var h = r.HiddenStates.AsSpan((last * r.Tokens + target) * C, C);
            double s = 0;
            for (int c = 0; c < C; c++) s += (h[c] - (double)reference[c]) * (h[c] - (double)reference[c]);
            return -Math.Sqrt(s);
        }, $"minus the distance of position {target}'s final hidden state from its unoccluded value (the model has no head)");
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
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
