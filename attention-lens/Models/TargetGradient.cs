namespace AttentionLens.Models;

/// <summary>
/// The seed of a backward pass: y and ∂y/∂z for one output vector z of a head (a logit row, a classifier's
/// labels, or a QA head's start or end logits over the positions), as <see cref="GradientTarget"/> defines y:
/// z[i] (∂ = e_i); log softmax(z)[i] (∂ = e_i − softmax(z)); z[i] − z[b] (∂ = e_i − e_b).
/// </summary>
public static class TargetGradient
{
    /// <param name="z">The output vector.</param>
    /// <param name="index">i: the vocabulary id, label or (QA) position.</param>
    /// <param name="what">What the index counts, for the error message ("vocabulary id", "label"…).</param>
    /// <param name="dz">Receives ∂y/∂z (same length as z).</param>
    /// <returns>y.</returns>
    public static float Seed(ReadOnlySpan<float> z, int index, int? contrast, bool logProbability, string what, Span<float> dz)
    {
        int n = z.Length;
        if ((uint)index >= (uint)n)
            throw new AttentionLensException($"gradient target {what} {index} is outside 0..{n - 1}; choose one the head outputs.");
        dz.Clear();
        if (contrast is int b)
        {
            if ((uint)b >= (uint)n)
                throw new AttentionLensException($"contrast {what} {b} is outside 0..{n - 1}; choose one the head outputs.");
            if (logProbability)
                throw new AttentionLensException("a contrastive target is a difference of logits; it cannot also be a log-probability.");
            dz[index] += 1f;
            dz[b] -= 1f;
            return z[index] - z[b];
        }
        if (!logProbability)
        {
            dz[index] = 1f;
            return z[index];
        }
        // log softmax(z)_i = z_i − log Σ_j e^{z_j}, in double from the max.
        double max = double.NegativeInfinity;
        foreach (var v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in z) sum += Math.Exp(v - max);
        double logSum = max + Math.Log(sum);
        for (int j = 0; j < n; j++) dz[j] = (float)-Math.Exp(z[j] - logSum);
        dz[index] += 1f;
        return (float)(z[index] - logSum);
    }

    /// <summary>Refuses a target reading another output than the model's head has.</summary>
    public static void CheckOutput(GradientTarget target, ModelInfo info, params GradientOutput[] supported)
    {
        if (Array.IndexOf(supported, target.Output) < 0)
            throw new AttentionLensException(
                $"{info.Architecture} has a {info.Head} head; a gradient target must read {string.Join(" or ", supported)}, not {target.Output}.");
    }

    /// <summary>Refuses a position outside the input.</summary>
    public static void CheckPosition(int position, int tokens)
    {
        if ((uint)position >= (uint)tokens)
            throw new AttentionLensException($"gradient target position {position} is outside the {tokens} tokens of the input.");
    }
}
