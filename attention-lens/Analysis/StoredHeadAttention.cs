using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// A forward pass's <see cref="AttentionStore"/> as the flow algorithms read long inputs
/// (<see cref="IHeadAttention"/>): one head or row at a time, decoded to float32 (the algorithms live
/// in Flow, which knows nothing of Models, so Analysis joins the two).
/// </summary>
public sealed class StoredHeadAttention(AttentionStore store) : IHeadAttention
{
    public AttentionShape Shape { get; } = AttentionShape.PerLayer(store.Layers, store.Heads, store.Tokens, "forward attentions");

    public void ReadHead(int layer, int head, Span<float> destination) => store.ReadHead(layer, head, destination);

    public void ReadRow(int layer, int head, int query, Span<float> destination) => store.ReadRow(layer, head, query, destination);
}
