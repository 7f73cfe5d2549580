namespace AttentionLens.Models.Llama;

/// <summary>What <see cref="LlamaDecoderLayer"/>'s tape runs of this attention.</summary>
public sealed partial class LlamaAttention
{
    internal Linear Query => _q;
    internal Linear Key => _k;
    internal Linear Value => _v;
    internal Linear Output => _o;
    internal int KvHeads => _kvHeads;
    internal int HeadDim => _headDim;
}
