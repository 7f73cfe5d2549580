namespace AttentionLens.Flow;

/// <summary>
/// Receptive-field normalisation for causal models (docs/methods.md §5, ours). Abnar and Zuidema note
/// that causal masking biases rollout and flow toward early tokens: from target t, input token j can
/// be reached through any of the t − j + 1 positions j..t in every layer, so early tokens collect
/// more paths. This divides token j's score by t − j + 1 (the positions within the target's receptive
/// field that can read j) and rescales so the scores keep their original sum. Tokens after the
/// target (outside its receptive field) get 0. It changes the ranking, not the total.
/// </summary>
public static class ReceptiveField
{
    public static void Normalise(Span<double> scores, int target)
    {
        if (target < 0 || target >= scores.Length)
            throw new InvalidAttentionException($"target position {target} is out of range; it must be in 0..{scores.Length - 1}.", "target");
        double before = 0, after = 0;
        for (int j = 0; j < scores.Length; j++)
        {
            before += scores[j];
            scores[j] = j <= target ? scores[j] / (target - j + 1) : 0;
            after += scores[j];
        }
        if (after <= 0) return;
        double scale = before / after;
        for (int j = 0; j < scores.Length; j++) scores[j] *= scale;
    }
}
