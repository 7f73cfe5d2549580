using System.Numerics;
using System.Runtime.CompilerServices;

namespace AttentionLens.Flow;

// Dinic's blocking flows on the sweep's residual masks (the search used when a layer fits one
// 64-bit word; see the class summary for the choice).
internal sealed partial class SinkSweepMaxFlow
{
    // Dinic: per phase a reverse search to the nearest sources' level (all levels when a layer fits
    // one word), then a blocking flow from each source found.
    private double BlockingFlows(double bound, double total)
    {
        while (bound - total > BoundTolerance && Levels(fullSearch))
        {
            for (int k = 0; k < sourceCount && bound - total > BoundTolerance; k++)
            {
                int v = sources[k], l = v / n, a = v - l * n;
                bool isSource = l == top;
                double limit = isSource ? bound - total : Math.Min(excess[a], bound - total);
                if (limit <= Epsilon) continue;
                double pushed = Push(l, a, level[v], limit);
                if (!isSource) excess[a] -= pushed;
                total += pushed;
            }
            ClearLevels();
        }
        return total;
    }

    // Blocking-flow DFS from node (l, a) at level lv towards the sink along live arcs into level
    // lv − 1; returns the amount pushed, at most limit. A node that cannot push its limit is dead and
    // leaves its level mask.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Push(int l, int a, int lv, double limit)
    {
        if (l == 0) return limit;
        int v = l * n + a, m = v * words;
        int below = ((lv - 1) * (layers + 1) + l - 1) * words, above = ((lv - 1) * (layers + 1) + l + 1) * words;
        double pushed = 0;
        for (int i = 0; i < words; i++)
        {
            while (true)
            {
                ulong down = open[m + i] & levelMask[below + i];
                if (down == 0) break;
                int b = (i << 6) + BitOperations.TrailingZeroCount(down);
                int e = (l - 1) * nn + a * n + b;
                double want = Math.Min(limit - pushed, cap[e] - flow[e]);
                // Layer 1's only live arc below goes into the sink: no call needed.
                double d = l == 1 ? want : Push(l - 1, b, lv - 1, want);
                if (d > 0) { Forward(l, a, b, d); pushed += d; }
                if (limit - pushed <= Epsilon) return pushed;
            }
        }
        if (l < top)
        {
            for (int i = 0; i < words; i++)
            {
                while (true)
                {
                    ulong up = flowIn[m + i] & levelMask[above + i];
                    if (up == 0) break;
                    int u = (i << 6) + BitOperations.TrailingZeroCount(up);
                    int e = l * nn + u * n + a;
                    double d = Push(l + 1, u, lv - 1, Math.Min(limit - pushed, flow[e]));
                    if (d > 0) { Backward(l, a, u, d); pushed += d; }
                    if (limit - pushed <= Epsilon) return pushed;
                }
            }
        }
        levelMask[(lv * (layers + 1) + l) * words + (a >> 6)] &= ~(1UL << (a & 63));
        return pushed;
    }
}
