namespace AttentionLens.Analysis;

/// <summary>The logit lens at the target (docs/methods.md#logitlens).</summary>
/// <param name="Predicted">The token the model predicts at the target (argmax of its real logits).</param>
/// <param name="Layers">Index 0 = the embeddings, l = after layer l; the last row is the model's own output.</param>
public sealed record LogitLensResult(int Predicted, IReadOnlyList<LogitLensLayer> Layers);

/// <summary>One layer read through the unembedding.</summary>
/// <param name="Layer">0 = embeddings, l = after layer l.</param>
/// <param name="TopIds">The k most probable token ids, most probable first.</param>
/// <param name="TopProbabilities">Their softmax probabilities.</param>
/// <param name="PredictedProbability">The probability this layer gives the model's final prediction.</param>
/// <param name="PredictedRank">That token's rank here (0 = top).</param>
public sealed record LogitLensLayer(int Layer, int[] TopIds, double[] TopProbabilities, double PredictedProbability, int PredictedRank);
