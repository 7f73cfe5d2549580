using System.Text.Json.Nodes;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Server;

/// <summary>
/// "Add Model…"'s listing (attentionLens/listModels with workspaceFolders): checkpoints of a fake
/// Hugging Face hub cache (snapshot files linked into blobs/, refs/main choosing the revision) and of
/// workspace folders (nested, hidden and dependency folders skipped), each with its architecture,
/// parameter count from the safetensors header and weight size on disk through the links.
/// </summary>
public sealed class ModelListingTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private static readonly string Stories = SharedData.Path("models", "stories260K");
    private static readonly long StoriesBytes = new FileInfo(Path.Combine(Stories, "model.safetensors")).Length;

    public void Dispose() => dir.Dispose();

    /// <summary>models--org--name with two snapshots, refs/main naming the older one, weights linked into blobs/.</summary>
    private string HubCache()
    {
        var hub = Path.Combine(dir.Path, "hub");
        var repo = Path.Combine(hub, "models--karpathy--stories260K");
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        File.Copy(Path.Combine(Stories, "model.safetensors"), Path.Combine(repo, "blobs", "0a1b"));
        foreach (var rev in new[] { "main111", "other222" })
        {
            var snapshot = Path.Combine(repo, "snapshots", rev);
            Directory.CreateDirectory(snapshot);
            File.Copy(Path.Combine(Stories, "config.json"), Path.Combine(snapshot, "config.json"));
            File.CreateSymbolicLink(Path.Combine(snapshot, "model.safetensors"), Path.Combine("..", "..", "blobs", "0a1b"));
        }
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), "main111\n");
        Directory.SetLastWriteTimeUtc(Path.Combine(repo, "snapshots", "other222"), DateTime.UtcNow.AddDays(1));
        return hub;
    }

    private string Workspace()
    {
        var ws = Path.Combine(dir.Path, "ws");
        foreach (var sub in new[] { "models/tiny", ".hidden/m", "node_modules/pkg/m", "a/b/c/d/e/too-deep" })
        {
            var folder = Path.Combine(ws, sub);
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(Stories, "config.json"), Path.Combine(folder, "config.json"));
        }
        File.Copy(Path.Combine(Stories, "model.safetensors"), Path.Combine(ws, "models", "tiny", "model.safetensors"));
        return ws;
    }

    [Fact]
    public void The_hub_cache_and_the_workspace_are_listed_with_architecture_and_size()
    {
        var hub = HubCache();
        var ws = Workspace();
        var registry = new ModelRegistry(() => new ServerSettings { HuggingFaceCache = hub }, Path.Combine(dir.Path, "no-bundled"));
        var entries = registry.List(_ => false, [ws]);

        var cached = Assert.Single(entries, e => e.Source == ModelRegistry.SourceHuggingFace);
        Assert.Equal("karpathy/stories260K", cached.Id);
        Assert.EndsWith(Path.Combine("snapshots", "main111"), cached.Path);
        Assert.Equal("LlamaForCausalLM", cached.Architecture);
        Assert.Equal(StoriesBytes, cached.SizeBytes);
        Assert.True(cached.ParameterCount > 0);

        var local = Assert.Single(entries, e => e.Source == ModelRegistry.SourceWorkspace);
        Assert.Equal("models/tiny", local.Id);
        Assert.Equal(Path.Combine(ws, "models", "tiny"), local.Path);
        Assert.Equal(StoriesBytes, local.SizeBytes);
        Assert.Null(local.Problem);

        // Without workspace folders only the cache is listed; a cache entry resolves by its id.
        Assert.DoesNotContain(registry.List(_ => false), e => e.Source == ModelRegistry.SourceWorkspace);
        Assert.Equal(cached.Path, registry.Resolve("karpathy/stories260K"));
    }

    [Fact]
    public async Task ListModels_takes_the_workspace_folders_from_its_params()
    {
        var hub = HubCache();
        var ws = Workspace();
        await using var client = new InMemoryClient(new FakeBackend(), new ServerSettings { HuggingFaceCache = hub });
        await client.InitializeAsync();
        var response = await client.RequestAsync(Methods.ListModels, new JsonObject { ["workspaceFolders"] = new JsonArray(ws) });
        var models = response.GetProperty("result").GetProperty("models").EnumerateArray().ToArray();
        Assert.Contains(models, m => m.GetProperty("source").GetString() == "workspace" && m.GetProperty("id").GetString() == "models/tiny"
            && m.GetProperty("sizeBytes").GetInt64() == StoriesBytes);
        Assert.Contains(models, m => m.GetProperty("source").GetString() == "huggingFaceCache");
        // No params, as before: no workspace entries.
        var plain = (await client.RequestAsync(Methods.ListModels, null)).GetProperty("result").GetProperty("models").EnumerateArray();
        Assert.DoesNotContain(plain, m => m.GetProperty("source").GetString() == "workspace");
    }
}
