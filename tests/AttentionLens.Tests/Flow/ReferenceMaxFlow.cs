namespace AttentionLens.Tests.Flow;

/// <summary>
/// Textbook Edmonds–Karp on a dense adjacency matrix: an independent, slow check of the layered
/// solver for graphs the reference files do not cover (super-sink, causal masks).
/// </summary>
public static class ReferenceMaxFlow
{
    public static double Value(double[,] capacity, int source, int sink)
    {
        int v = capacity.GetLength(0);
        var residual = (double[,])capacity.Clone();
        double total = 0;
        var parent = new int[v];
        while (true)
        {
            Array.Fill(parent, -1);
            parent[source] = source;
            var queue = new Queue<int>();
            queue.Enqueue(source);
            while (queue.Count > 0 && parent[sink] < 0)
            {
                int u = queue.Dequeue();
                for (int w = 0; w < v; w++)
                {
                    if (parent[w] >= 0 || residual[u, w] <= 1e-15) continue;
                    parent[w] = u;
                    queue.Enqueue(w);
                }
            }
            if (parent[sink] < 0) return total;
            double d = double.MaxValue;
            for (int w = sink; w != source; w = parent[w]) d = Math.Min(d, residual[parent[w], w]);
            for (int w = sink; w != source; w = parent[w])
            {
                residual[parent[w], w] -= d;
                residual[w, parent[w]] += d;
            }
            total += d;
        }
    }
}
