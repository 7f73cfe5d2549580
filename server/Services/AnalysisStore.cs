namespace AttentionLens.Server.Services;

/// <summary>The most recent analyses, bounded in number so kept results cannot grow without limit;
/// the per-head attention they keep (<see cref="HeadAttention"/>) is bounded in bytes too: beyond
/// <paramref name="attentionBudgetBytes"/> the oldest analyses drop it (their attention requests then
/// run one forward pass). A long input's attention kept whole (<see cref="HeadAttention.Hold"/>) is
/// bounded by the server's memory budget instead (<see cref="ModelCache.TryHold"/>): the store lets
/// go of its hold when the analysis leaves, and drops the attention when the cache takes it back.</summary>
public sealed class AnalysisStore(int capacity = AnalysisStore.DefaultCapacity, long attentionBudgetBytes = AnalysisStore.DefaultAttentionBudgetBytes)
{
    public const int DefaultCapacity = 32;
    public const long DefaultAttentionBudgetBytes = 256L << 20;
    private readonly object gate = new();
    private readonly LinkedList<StoredAnalysis> order = new();
    private readonly Dictionary<string, LinkedListNode<StoredAnalysis>> byId = new(StringComparer.Ordinal);
    private long next;

    public int Count
    {
        get { lock (gate) return byId.Count; }
    }

    public string NewId() => "a" + Interlocked.Increment(ref next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Add(StoredAnalysis analysis)
    {
        lock (gate)
        {
            byId[analysis.Id] = order.AddFirst(analysis);
            while (byId.Count > capacity && order.Last is { } oldest)
            {
                byId.Remove(oldest.Value.Id);
                order.RemoveLast();
                oldest.Value.Attention?.Hold?.Release();
            }
            long kept = 0;
            for (var node = order.First; node is not null; node = node.Next)
            {
                if (node.Value.Attention is not { } attention || attention.Hold is not null) continue;
                kept += attention.Bytes;
                if (kept > attentionBudgetBytes) node.Value = node.Value with { Attention = null };
            }
        }
    }

    /// <summary>Bytes of per-head attention the kept analyses hold.</summary>
    public long AttentionBytes
    {
        get { lock (gate) return order.Sum(a => a.Attention?.Bytes ?? 0); }
    }

    /// <summary>Gives analysis <paramref name="id"/> the whole store <paramref name="attention"/> (a long input's,
    /// recomputed for a request after the cache took the first back) when it still has none; false otherwise.</summary>
    public bool TrySetAttention(string id, HeadAttention attention)
    {
        lock (gate)
        {
            if (!byId.TryGetValue(id, out var node) || node.Value.Attention is not null) return false;
            node.Value = node.Value with { Attention = attention };
            return true;
        }
    }

    /// <summary>Forgets the attention of analysis <paramref name="id"/> if it is still <paramref name="attention"/>
    /// (the cache took its memory back); later attention requests recompute it.</summary>
    public void DropAttention(string id, HeadAttention attention)
    {
        lock (gate)
            if (byId.TryGetValue(id, out var node) && ReferenceEquals(node.Value.Attention, attention))
                node.Value = node.Value with { Attention = null };
    }

    public StoredAnalysis Get(string id)
    {
        lock (gate) return byId.TryGetValue(id, out var node) ? node.Value : throw new AnalysisNotFoundException(id);
    }

    /// <summary>Newest first, the analyses of <paramref name="uri"/>.</summary>
    public IReadOnlyList<StoredAnalysis> ForDocument(string uri)
    {
        lock (gate) return order.Where(a => a.Uri == uri).ToArray();
    }

    public void ForgetDocument(string uri)
    {
        lock (gate)
        {
            foreach (var a in order.Where(a => a.Uri == uri).ToList())
            {
                order.Remove(byId[a.Id]);
                byId.Remove(a.Id);
                a.Attention?.Hold?.Release();
            }
        }
    }
}
