using AttentionLens.Checkpoints;

namespace AttentionLens.Tests.Checkpoints;

/// <summary>Finding checkpoints by folder and in a Hugging Face hub cache laid out in a temp folder.</summary>
public sealed class ModelLocatorTests
{
    private static string MakeCache(TempDirectory dir, string cacheRoot, string repo, string revision, bool writeRef = true)
    {
        var entry = Path.Combine(cacheRoot, "models--" + repo.Replace("/", "--"));
        var snapshot = Path.Combine(entry, "snapshots", revision);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(entry, "snapshots", "0000000000000000000000000000000000000000"));
        File.WriteAllText(Path.Combine(snapshot, "config.json"), "{}");
        if (writeRef)
        {
            Directory.CreateDirectory(Path.Combine(entry, "refs"));
            File.WriteAllText(Path.Combine(entry, "refs", "main"), revision + "\n");
        }
        return snapshot;
    }

    [Fact]
    public void FolderIsUsedAsGiven()
    {
        using var dir = new TempDirectory();
        Assert.Equal(dir.Path, ModelLocator.Resolve(dir.Path, _ => null));
    }

    [Fact]
    public void HubCacheFollowsRefsMain()
    {
        using var dir = new TempDirectory();
        var cache = Path.Combine(dir.Path, "hub-cache");
        var snapshot = MakeCache(dir, cache, "org/tiny-model", "abc123def");
        string? Env(string name) => name == "HF_HUB_CACHE" ? cache : null;
        Assert.Equal(snapshot, ModelLocator.Resolve("org/tiny-model", Env));
    }

    [Fact]
    public void HfHomeHubIsTheCacheWhenHfHubCacheIsUnset()
    {
        using var dir = new TempDirectory();
        var snapshot = MakeCache(dir, Path.Combine(dir.Path, "hf-home", "hub"), "gpt2", "rev1");
        string? Env(string name) => name == "HF_HOME" ? Path.Combine(dir.Path, "hf-home") : null;
        Assert.Equal(snapshot, ModelLocator.Resolve("gpt2", Env));
    }

    [Fact]
    public void RefsMainPointingNowhereIsAnError()
    {
        using var dir = new TempDirectory();
        var cache = Path.Combine(dir.Path, "c");
        MakeCache(dir, cache, "org/m", "rev1");
        File.WriteAllText(Path.Combine(cache, "models--org--m", "refs", "main"), "deadbeef");
        var e = Assert.Throws<CheckpointException>(() => ModelLocator.Resolve("org/m", n => n == "HF_HUB_CACHE" ? cache : null));
        Assert.Contains("deadbeef", e.Message);
        Assert.Contains("refs", e.Message);
    }

    [Fact]
    public void UnknownModelNamesTheCache()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<CheckpointException>(() => ModelLocator.Resolve("org/absent", n => n == "HF_HUB_CACHE" ? dir.Path : null));
        Assert.Contains("org/absent", e.Message);
        Assert.Contains(dir.Path, e.Message);
    }
}
