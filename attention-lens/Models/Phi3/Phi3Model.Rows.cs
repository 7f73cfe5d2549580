using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi3;

public sealed partial class Phi3Model
{
    /// <summary>LongRoPE: the factors of the whole input's length (<see cref="Rope"/>), at the rows' positions.</summary>
    protected override RopeTable RopeRows(int first, int rows, int tokens)
    {
        var c = _config;
        return c.RopeScaling is { } scaling
            ? scaling.Table(rows, c.HeadDim, c.RopeTheta, c.MaxPositionEmbeddings, c.OriginalMaxPositionEmbeddings, first, tokens)
            : base.RopeRows(first, rows, tokens);
    }

    protected override int? SlidingWindow => _config.SlidingWindow;

    /// <summary>
    /// With LongRoPE, a forward longer than original_max_position_embeddings rotates every position by
    /// the long factors, a shorter one by the short factors: keys cached on one side of that length are
    /// not the keys of a forward on the other, so an append that crosses it recomputes them (the
    /// answer then equals a full forward, as transformers' forward without a cache gives it).
    /// </summary>
    public override bool KeepsKeys(int cached, int total)
    {
        int original = _config.OriginalMaxPositionEmbeddings;
        return _config.RopeScaling is null || (cached > original) == (total > original);
    }
}
