namespace AttentionLens.Flow;

/// <summary>
/// The arcs of a layered attention graph whose capacity exceeds <see cref="LayeredAttention.PruneBelow"/>,
/// as bit masks in the layout of <see cref="SinkSweepMaxFlow"/>: for node (l, a), l ≥ 1, at
/// (l·n + a)·words, bit b of <see cref="Out"/> is arc (l, a) → (l − 1, b); for node (l, b), l &lt; L,
/// bit a of <see cref="In"/> is arc (l + 1, a) → (l, b). words = ⌈n / 64⌉.
/// </summary>
internal sealed class ArcMasks
{
    private ArcMasks(ulong[] outMasks, ulong[] inMasks)
    {
        Out = outMasks;
        In = inMasks;
    }

    public ulong[] Out { get; }

    public ulong[] In { get; }

    public static ArcMasks Build(double[] capacities, int layers, int n)
    {
        int words = (n + 63) >> 6, nn = n * n;
        var outMasks = new ulong[(layers + 1) * n * words];
        var inMasks = new ulong[(layers + 1) * n * words];
        for (int k = 0; k < layers; k++)
        {
            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b < n; b++)
                {
                    if (capacities[k * nn + a * n + b] <= LayeredAttention.PruneBelow) continue;
                    outMasks[((k + 1) * n + a) * words + (b >> 6)] |= 1UL << (b & 63);
                    inMasks[(k * n + b) * words + (a >> 6)] |= 1UL << (a & 63);
                }
            }
        }
        return new ArcMasks(outMasks, inMasks);
    }
}
