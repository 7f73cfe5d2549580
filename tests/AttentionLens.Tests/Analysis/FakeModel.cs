using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// A deterministic stand-in for a transformer with a known answer. Attention: each query spreads
/// uniformly over the keys it may read (j ≤ i when causal, and only unmasked keys), in every layer
/// and head. Logits at every position: [s, 0] with s = Σ_j w_j over the unmasked keys the position
/// reads (a two-token vocabulary), or as classifier logits [s, 0]. Value outputs are fixed numbers.
/// </summary>
public sealed class FakeModel(bool causal, double[] weights, bool classifier = false, int layers = 2, int heads = 2) : ITransformerModel
{
    public const int Hidden = 3;

    public ModelInfo Info { get; } = new(causal ? "fake-causal" : "fake-encoder", "Fake", layers, heads, heads, Hidden, 1, 2, 0, causal, !classifier, classifier ? 2 : 0, 64);

    public int Calls { get; private set; }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls++;
        options ??= ForwardOptions.Default;
        int T = input.Length;
        var mask = input.AttentionMask ?? Enumerable.Repeat(1, T).ToArray();
        var att = new float[layers * heads * T * T];
        for (int lh = 0; lh < layers * heads; lh++)
            for (int i = 0; i < T; i++)
            {
                var keys = Enumerable.Range(0, T).Where(j => (!causal || j <= i) && mask[j] == 1).ToArray();
                if (keys.Length == 0) keys = Enumerable.Range(0, causal ? i + 1 : T).ToArray();
                foreach (var j in keys) att[(lh * T + i) * T + j] = 1f / keys.Length;
            }
        double Score(int i) => Enumerable.Range(0, T).Where(j => (!causal || j <= i) && mask[j] == 1).Sum(j => weights[j]);
        var logits = new float[T * 2];
        for (int i = 0; i < T; i++) logits[i * 2] = (float)Score(i);
        float[]? values = null;
        if (options.CaptureValueOutputs)
        {
            values = new float[layers * heads * T * Hidden];
            for (int k = 0; k < values.Length; k++) values[k] = (float)Math.Sin(k + 1);
        }
        return new ForwardResult
        {
            Layers = layers,
            Heads = heads,
            Tokens = T,
            Hidden = Hidden,
            Attentions = att,
            HiddenStates = new float[(layers + 1) * T * Hidden],
            Logits = classifier ? null : logits,
            ClassifierLogits = classifier ? [(float)Score(0), 0f] : null,
            ValueOutputs = values,
        };
    }
}
