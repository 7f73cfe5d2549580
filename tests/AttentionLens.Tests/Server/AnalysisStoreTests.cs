using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>Kept analyses are bounded: the oldest goes first, and closing a document forgets its analyses.</summary>
public class AnalysisStoreTests
{
    private static StoredAnalysis Make(string id, string uri) =>
        new(id, uri, 1, "/m", "m", new AttentionLens.Models.ForwardInput([1]), [], [], [], "", 0, null!, new AttentionLens.Analysis.AnalysisOptions());

    [Fact]
    public void KeepsTheNewestUpToCapacityAndForgetsClosedDocuments()
    {
        var store = new AnalysisStore(capacity: 2);
        store.Add(Make("a1", "u"));
        store.Add(Make("a2", "v"));
        store.Add(Make("a3", "u"));
        Assert.Equal(2, store.Count);
        Assert.Throws<AnalysisNotFoundException>(() => store.Get("a1"));
        Assert.Equal(["a3"], store.ForDocument("u").Select(a => a.Id));
        store.ForgetDocument("u");
        Assert.Equal(1, store.Count);
        Assert.Equal("a2", store.Get("a2").Id);
    }

    [Fact]
    public void OlderAnalysesDropTheirAttentionBeyondTheByteBudget()
    {
        // Each analysis keeps 2·2·4·4 floats = 256 bytes; the budget holds two.
        var store = new AnalysisStore(capacity: 8, attentionBudgetBytes: 512);
        for (int k = 1; k <= 3; k++)
            store.Add(Make($"a{k}", "u") with { Attention = HeadAttention.Keep(new float[2 * 2 * 4 * 4], 2, 2, 4, 1024) });
        Assert.Null(store.Get("a1").Attention);
        Assert.NotNull(store.Get("a2").Attention);
        Assert.NotNull(store.Get("a3").Attention);
        Assert.Equal(512, store.AttentionBytes);
        Assert.Equal(3, store.Count);
    }
}
