using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Where a run over the rows after a cached prefix stands (<see cref="ICausalSuffixBody"/>): rows
/// <see cref="Start"/>…<see cref="Tokens"/>−1 of an input are recomputed, over the keys and values of
/// all <see cref="Tokens"/> positions (<see cref="AppendedRowsAttention"/>).
/// </summary>
/// <param name="Start">The first recomputed position.</param>
/// <param name="Tokens">T: the input's length, the rows' last position + 1.</param>
/// <param name="KeyMask">The input's attention mask (0 = padding / removed), or null for all attended.</param>
/// <param name="Rope">Cos/sin of the recomputed rows' positions (row 0 = position <see cref="Start"/>), or null (OPT's learned positions).</param>
/// <param name="Window">The sliding window of the layers that have one (Phi-3's, Gemma 2's local layers), or null.</param>
public sealed record SuffixRows(int Start, int Tokens, int[]? KeyMask, RopeTable? Rope, int? Window)
{
    /// <summary>R = T − start, the number of recomputed rows.</summary>
    public int Rows => Tokens - Start;

    /// <summary>The rotary table, which every rotary layer needs.</summary>
    public RopeTable RequireRope() => Rope ?? throw new InvalidOperationException("a rotary layer was given suffix rows without a rotary table.");
}
