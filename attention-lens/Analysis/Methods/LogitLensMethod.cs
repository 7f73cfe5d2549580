using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// The logit lens (nostalgebraist 2020; docs/methods.md#logitlens): the target position's hidden
/// state after every layer, read through the model's final norm and unembedding, as
/// transformers' <c>hidden_states[l]</c> through <c>ln_f</c>/<c>norm</c> and <c>lm_head</c> (or a masked LM's
/// prediction head). The last row is the model's real output. Per layer: the top-k tokens and the
/// probability of the token the model finally predicts. It scores no input tokens.
/// </summary>
public sealed class LogitLensMethod : IAttributionMethod
{
    public string Name => "logitLens";
    public string Label => "logit lens";
    public MethodNeeds Needs => MethodNeeds.Unembedding;
    public bool ScoresTokens => false;

    public string? Unsupported(MethodContext context) =>
        context.Model is not ILogitLens || context.Forward.Logits is null
            ? $"The logit lens needs a language-model head; {context.Model.Info.Architecture} has none."
            : null;

    public void CheckOptions(AnalysisOptions options)
    {
        if (options.TopK < 1)
            throw new AnalysisException($"The logit lens needs TopK ≥ 1 (AnalysisOptions.TopK = {options.TopK}).", "options");
    }

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var f = c.Forward;
        var lens = (ILogitLens)c.Model;
        int L = c.Layers, T = c.Tokens, C = f.Hidden, target = c.Target;
        // LogitsAt: the pass may have computed the target's row alone (Analyzer.TargetRowOnly).
        var final = f.LogitsAt(target);
        int vocab = final.Length;
        int predicted = 0;
        for (int v = 1; v < vocab; v++) if (final[v] > final[predicted]) predicted = v;
        int k = Math.Min(c.Options.TopK, vocab);
        // hidden_states[0..L−1] have not passed the final norm; hidden_states[L] has (causal LMs) or
        // is what the head reads (masked LMs): either way the real logits are its reading.
        var states = new float[L * C];
        for (int l = 0; l < L; l++) f.HiddenStates.AsSpan((l * T + target) * C, C).CopyTo(states.AsSpan(l * C, C));
        var logits = lens.LensLogits(states, L);
        var layers = new LogitLensLayer[L + 1];
        for (int l = 0; l <= L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = l < L ? logits.AsSpan(l * vocab, vocab) : final;
            layers[l] = Read(l, row, predicted, k);
        }
        return new MethodOutput(null, null, new LogitLensResult(predicted, layers));
    }

    private static LogitLensLayer Read(int layer, ReadOnlySpan<float> logits, int predicted, int k)
    {
        double max = double.NegativeInfinity;
        foreach (var x in logits) max = Math.Max(max, x);
        double sum = 0;
        foreach (var x in logits) sum += Math.Exp(x - max);
        var top = new List<int>(k + 1);
        int rank = 0;
        float p = logits[predicted];
        for (int v = 0; v < logits.Length; v++)
        {
            if (logits[v] > p || (logits[v] == p && v < predicted)) rank++;
            // Insertion into the running top-k, ties broken by the lower id (torch.topk order may differ on exact ties).
            int at = top.Count;
            while (at > 0 && (logits[top[at - 1]] < logits[v])) at--;
            if (at < k) { top.Insert(at, v); if (top.Count > k) top.RemoveAt(k); }
        }
        var probabilities = new double[top.Count];
        for (int i = 0; i < top.Count; i++) probabilities[i] = Math.Exp(logits[top[i]] - max) / sum;
        return new LogitLensLayer(layer, top.ToArray(), probabilities, Math.Exp(p - max) / sum, rank);
    }
}
