namespace AttentionLens.Models.Bert;

/// <summary>The projections <see cref="PostNormEncoderTape"/> runs for this attention.</summary>
public sealed partial class BertSelfAttention
{
    internal Linear Query => _query;
    internal Linear Key => _key;
    internal Linear Value => _value;
}
