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
        while (bound - total > BoundTolerance && (words == 1 ? LevelsOneWord() : Levels(fullSearch)))
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

    // Dinic's reverse search when a layer fits one word, a whole layer at a time: level k + 1 of
    // layer l + 1 is the union of the residual in-arc masks (openIn) of level k's nodes in layer l,
    // and of layer l − 1 the union of their flow-carrying out-arc masks (flowOut), less the nodes
    // seen. The levels are the same as the node-by-node search's; no queue, no per-node labels
    // (Push reads the level masks and the sources' levels only). It labels every reachable node,
    // sources are the top source and layer-1 nodes holding excess, nearest first. At n = 16 the
    // node-by-node search was 37% of the all-targets benchmark's time (perf); with this one the case
    // went from 11.5 to 8.6 ms of CPU (scripts/bench-flow.sh, loaded machine).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool LevelsOneWord()
    {
        sourceCount = 0;
        ulong excessBits = 0;
        for (int a = 0; a < n; a++) if (excess[a] > Epsilon) excessBits |= 1UL << a;
        int stride = layers + 1, lv = 0;
        ulong sinkBit = 1UL << sink;
        seen[0] = sinkBit;
        levelMask[0] = sinkBit;
        for (bool any = true; any; lv++)
        {
            int cur = lv * stride, next = cur + stride;
            for (int l = 0; l <= top; l++)
            {
                ulong frontier = levelMask[cur + l];
                if (frontier == 0) continue;
                int node = l * n;
                if (l < top)
                {
                    ulong up = 0;
                    for (ulong bits = frontier; bits != 0; bits &= bits - 1) up |= openIn[node + BitOperations.TrailingZeroCount(bits)];
                    levelMask[next + l + 1] |= up;
                }
                // Layer 0 carries flow only into the sink, which is never an intermediate node.
                if (l >= 2)
                {
                    ulong down = 0;
                    for (ulong bits = frontier; bits != 0; bits &= bits - 1) down |= flowOut[node + BitOperations.TrailingZeroCount(bits)];
                    levelMask[next + l - 1] |= down;
                }
            }
            any = false;
            for (int l = 1; l <= top; l++)
            {
                ulong fresh = levelMask[next + l] & ~seen[l];
                // In the top layer only the source lives.
                if (l == top) fresh &= 1UL << source;
                levelMask[next + l] = fresh;
                if (fresh == 0) continue;
                any = true;
                seen[l] |= fresh;
                if (l == top)
                {
                    level[top * n + source] = lv + 1;
                    sources[sourceCount++] = top * n + source;
                }
                else if (l == 1)
                {
                    for (ulong bits = fresh & excessBits; bits != 0; bits &= bits - 1)
                    {
                        int u = BitOperations.TrailingZeroCount(bits);
                        level[n + u] = lv + 1;
                        sources[sourceCount++] = n + u;
                    }
                }
            }
        }
        maxLabel = lv;
        return sourceCount > 0;
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
