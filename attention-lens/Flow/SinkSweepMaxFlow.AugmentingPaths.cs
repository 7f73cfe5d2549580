using System.Numerics;
using System.Runtime.CompilerServices;

namespace AttentionLens.Flow;

// Shortest augmenting paths on the sweep's residual masks (the search used when a layer spans
// several 64-bit words; see the class summary for the choice).
internal sealed partial class SinkSweepMaxFlow
{
    // Shortest augmenting paths (Ahuja and Orlin 1987) from every source, with exact labels from
    // one full reverse search, relabelling on retreat and the gap rule.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ShortestAugmentingPaths(double bound, double total)
    {
        if (!Levels(true)) return total;
        // The path is a stack of nodes packed as layer << 16 | position (no divisions on the way).
        for (int k = 0; k < sourceCount && bound - total > BoundTolerance; k++)
        {
            int v0 = sources[k], l0 = v0 / n, a0 = v0 - l0 * n;
            bool isSource = l0 == top;
            int depth = 0;
            stack[0] = (l0 << 16) | a0;
            pathMin[0] = double.PositiveInfinity;
            double supply = isSource ? bound - total : Math.Min(excess[a0], bound - total);
            while (supply > Epsilon && level[v0] >= 0)
            {
                int cur = stack[depth], l = cur >> 16, a = cur & 0xFFFF, node = l * n + a, lv = level[node];
                if (l == 0)
                {
                    // The path's bottleneck is kept per prefix (pathMin), so an augmentation reads
                    // each arc once, to apply it, instead of twice more to find the minimum and the
                    // first saturated arc (a fifth of the time at n = 1,024 went to those reads).
                    double delta = Math.Min(supply, pathMin[depth]);
                    int cut = -1;
                    double least = double.PositiveInfinity;
                    for (int i = 0; i < depth; i++)
                    {
                        int x = stack[i], y = stack[i + 1];
                        double left = y >> 16 < x >> 16
                            ? Forward(x >> 16, x & 0xFFFF, y & 0xFFFF, delta)
                            : Backward(x >> 16, x & 0xFFFF, y & 0xFFFF, delta);
                        if (cut >= 0) continue;
                        if (left <= Epsilon) { cut = i; continue; }
                        least = Math.Min(least, left);
                        pathMin[i + 1] = least;
                    }
                    total += delta;
                    if (!isSource) excess[a0] -= delta;
                    supply = isSource ? bound - total : Math.Min(excess[a0], bound - total);
                    if (bound - total <= BoundTolerance) break;
                    depth = cut < 0 ? 0 : cut;
                    continue;
                }
                int m = node * words;
                int below = ((lv - 1) * (layers + 1) + l - 1) * words, above = ((lv - 1) * (layers + 1) + l + 1) * words;
                int next = -1;
                for (int i = 0, end = lower ? (a >> 6) + 1 : words; i < end; i++)
                {
                    ulong down = open[m + i] & levelMask[below + i];
                    if (down != 0) { next = ((l - 1) << 16) | ((i << 6) + BitOperations.TrailingZeroCount(down)); break; }
                }
                if (next < 0 && l < top)
                {
                    for (int i = lower ? a >> 6 : 0; i < words; i++)
                    {
                        ulong up = flowIn[m + i] & levelMask[above + i];
                        if (up != 0) { next = ((l + 1) << 16) | ((i << 6) + BitOperations.TrailingZeroCount(up)); break; }
                    }
                }
                if (next >= 0)
                {
                    pathMin[depth + 1] = Math.Min(pathMin[depth], Residual(cur, next));
                    stack[++depth] = next;
                    continue;
                }
                Relabel(l, a, lv);
                if (depth > 0) depth--;
            }
        }
        return total;
    }

    // Residual capacity of the arc between packed nodes x and y of adjacent layers.
    private double Residual(int x, int y)
    {
        int lx = x >> 16, a = x & 0xFFFF, b = y & 0xFFFF;
        if (y >> 16 < lx) { int e = (lx - 1) * nn + a * n + b; return cap[e] - flow[e]; }
        return flow[lx * nn + b * n + a];
    }

    // New label 1 + the lowest label among residual neighbours (none: unreachable); a level left
    // empty cuts every node above it off from the sink (gap rule).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Relabel(int l, int a, int lv)
    {
        int v = l * n + a, m = v * words, next = -1;
        for (int k = lv; k <= maxLabel && next < 0; k++)
        {
            int below = (k * (layers + 1) + l - 1) * words, above = (k * (layers + 1) + l + 1) * words;
            for (int i = 0; i < words; i++)
            {
                ulong bits = open[m + i] & levelMask[below + i];
                if (l < top) bits |= flowIn[m + i] & levelMask[above + i];
                if (bits != 0) { next = k + 1; break; }
            }
        }
        levelMask[(lv * (layers + 1) + l) * words + (a >> 6)] &= ~(1UL << (a & 63));
        count[lv]--;
        if (next >= 0)
        {
            level[v] = next;
            levelMask[(next * (layers + 1) + l) * words + (a >> 6)] |= 1UL << (a & 63);
            count[next]++;
            if (next > maxLabel) maxLabel = next;
        }
        else level[v] = -1;
        if (count[lv] != 0) return;
        for (int k = lv + 1; k <= maxLabel; k++)
        {
            if (count[k] == 0) continue;
            for (int layer = 0; layer <= layers; layer++)
            {
                int at = (k * (layers + 1) + layer) * words;
                for (int i = 0; i < words; i++)
                {
                    for (ulong bits = levelMask[at + i]; bits != 0; bits &= bits - 1)
                        level[layer * n + (i << 6) + BitOperations.TrailingZeroCount(bits)] = -1;
                    levelMask[at + i] = 0;
                }
            }
            count[k] = 0;
        }
    }
}
