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
}
