using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>modeling_bert.py BertPooler: tanh(dense(h₀)), the first token's final hidden state.</summary>
public sealed class BertPooler
{
    private readonly Linear _dense;

    private BertPooler(Linear dense) => _dense = dense;

    public static BertPooler Load(WeightScope w, int hidden) => new(Linear.Load(w.Scope("dense"), hidden, hidden));

    /// <param name="lastHidden">(T, C).</param>
    /// <returns>(C).</returns>
    public float[] Forward(IKernels kernels, ReadOnlySpan<float> lastHidden)
    {
        var pooled = new float[_dense.OutFeatures];
        _dense.Forward(kernels, lastHidden[.._dense.InFeatures], pooled, 1);
        for (int i = 0; i < pooled.Length; i++) pooled[i] = MathF.Tanh(pooled[i]);
        return pooled;
    }
}
