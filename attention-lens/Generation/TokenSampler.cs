namespace AttentionLens.Generation;

/// <summary>
/// Picks the next token from one row of LM logits. Greedy (temperature 0): the first maximum, as
/// torch.argmax. Sampling, in transformers' warper order: logits / temperature
/// (TemperatureLogitsWarper), then the top-p nucleus (TopPLogitsWarper: the most probable tokens
/// whose cumulative probability first reaches p, at least one), renormalised and drawn from with
/// <see cref="SplitMix64"/>. Probabilities are computed in double with the row maximum subtracted.
/// One sampler serves one generation: its generator state advances with every draw.
/// </summary>
public sealed class TokenSampler
{
    private readonly double _temperature;
    private readonly double _topP;
    private SplitMix64 _random;

    public TokenSampler(double temperature, double topP, ulong seed)
    {
        _temperature = temperature;
        _topP = topP;
        _random = new SplitMix64(seed);
    }

    /// <summary>The chosen id and its probability under softmax(logits) (temperature 1).</summary>
    public (int Id, double Probability) Pick(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new GenerationException("the model returned no logits to choose the next token from.");
        int id = _temperature == 0 ? ArgMax(logits) : Sample(logits);
        return (id, Probability(logits, id));
    }

    /// <summary>The first index of the largest logit (NaN never wins).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best] || float.IsNaN(logits[best])) best = i;
        return best;
    }

    /// <summary>softmax(logits)[id], in double.</summary>
    public static double Probability(ReadOnlySpan<float> logits, int id)
    {
        double max = logits[ArgMax(logits)], sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += Math.Exp(logits[i] - max);
        return Math.Exp(logits[id] - max) / sum;
    }

    private int Sample(ReadOnlySpan<float> logits)
    {
        int v = logits.Length;
        var p = new double[v];
        // transformers divides the float32 logits by the temperature before the softmax.
        double max = double.NegativeInfinity;
        for (int i = 0; i < v; i++) max = Math.Max(max, logits[i] / _temperature);
        double sum = 0;
        for (int i = 0; i < v; i++) sum += p[i] = Math.Exp(logits[i] / _temperature - max);
        var order = new int[v];
        for (int i = 0; i < v; i++) { order[i] = i; p[i] /= sum; }
        // Most probable first; ties by id, so the nucleus does not depend on the sort's stability.
        Array.Sort(order, (a, b) => p[b].CompareTo(p[a]) is var c && c != 0 ? c : a.CompareTo(b));
        int kept = 0;
        double mass = 0;
        while (kept < v)
        {
            mass += p[order[kept++]];
            if (mass >= _topP) break;
        }
        double u = _random.NextDouble() * mass, walked = 0;
        for (int k = 0; k < kept; k++)
        {
            walked += p[order[k]];
            if (u < walked) return order[k];
        }
        return order[kept - 1];
    }
}
