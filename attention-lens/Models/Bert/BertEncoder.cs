using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>modeling_bert.py BertEncoder: the stack of <see cref="BertLayer"/>s; hidden state l+1 is layer l's output.</summary>
public sealed partial class BertEncoder
{
    private readonly BertLayer[] _layers;

    private BertEncoder(BertLayer[] layers) => _layers = layers;

    public int Layers => _layers.Length;

    public static BertEncoder Load(WeightScope w, BertConfig c, string configPath) =>
        new(Enumerable.Range(0, c.NumHiddenLayers).Select(i => BertLayer.Load(w.Scope("layer").Scope(i.ToString()), c, configPath)).ToArray());

    /// <summary>Reads trace hidden state 0 and fills states 1..L and the attentions.</summary>
    public void Forward(IKernels kernels, ForwardTrace trace, ReadOnlySpan<float> bias, CancellationToken cancellationToken, int? stopAfterLayer = null, int startLayer = 0)
    {
        for (int l = startLayer; l < _layers.Length && !(l > stopAfterLayer); l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Forward(kernels, trace.HiddenState(l), trace.HiddenState(l + 1), bias, trace.LayerAttention(l), trace.LayerValueOutputs(l), trace.Tokens, trace.PostNormTerms, l, trace.ZeroValueToken(l));
        }
    }
}
