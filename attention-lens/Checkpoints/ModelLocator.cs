namespace AttentionLens.Checkpoints;

/// <summary>
/// Finds a checkpoint folder: a directory path as given, or a Hugging Face hub id ("org/name") in
/// the local hub cache, laid out by <c>huggingface_hub</c> as
/// <c>&lt;cache&gt;/models--org--name/snapshots/&lt;revision&gt;/</c> with <c>refs/main</c> holding
/// the revision of the main branch. The cache is <c>HF_HUB_CACHE</c>, else <c>HF_HOME/hub</c>,
/// else <c>~/.cache/huggingface/hub</c> (huggingface_hub's constants.py). Nothing is downloaded.
/// </summary>
public static class ModelLocator
{
    /// <param name="model">A folder, or a hub id such as <c>gpt2</c> or <c>org/name</c>.</param>
    /// <param name="environment">Reads environment variables (tests pass their own).</param>
    public static string Resolve(string model, Func<string, string?>? environment = null)
    {
        if (Directory.Exists(model)) return CheckpointFile.FullPath(model);
        if (model.Contains('\0'))
            throw new CheckpointException(model.Replace("\0", "\\0", StringComparison.Ordinal), "the model path contains a NUL character, which no folder name can hold.");
        environment ??= Environment.GetEnvironmentVariable;
        var cache = HubCache(environment);
        var repo = Path.Combine(cache, "models--" + model.Replace("/", "--"));
        if (!IsHubId(model) || !Directory.Exists(repo))
            throw new CheckpointException(model, $"no such folder, and no '{model}' in the Hugging Face cache {cache}; pass a checkpoint folder or download the model first.");
        var snapshots = Path.Combine(repo, "snapshots");
        var refFile = Path.Combine(repo, "refs", "main");
        string? revision = File.Exists(refFile) ? CheckpointFile.ReadAllText(refFile, 4096, "refs/main revision file").Trim() : null;
        if (revision is not null)
        {
            if (revision.Length == 0 || revision.Contains('/') || revision.Contains('\\') || revision.Contains(".."))
                throw new CheckpointException(refFile, $"refs/main holds '{revision}', not a revision hash.");
            var snapshot = Path.Combine(snapshots, revision);
            if (Directory.Exists(snapshot)) return snapshot;
            throw new CheckpointException(refFile, $"refs/main points at revision {revision}, but {snapshot} does not exist; the cache is incomplete.");
        }
        var all = Directory.Exists(snapshots) ? Directory.GetDirectories(snapshots) : [];
        if (all.Length == 1) return all[0];
        throw new CheckpointException(repo, all.Length == 0
            ? "the cache entry has no snapshots."
            : "the cache entry has several snapshots and no refs/main; pass the snapshot folder itself.");
    }

    /// <summary>The hub cache folder as huggingface_hub computes it.</summary>
    public static string HubCache(Func<string, string?> environment)
    {
        var hubCache = environment("HF_HUB_CACHE");
        if (!string.IsNullOrEmpty(hubCache)) return hubCache;
        var home = environment("HF_HOME");
        if (!string.IsNullOrEmpty(home)) return Path.Combine(home, "hub");
        var xdg = environment("XDG_CACHE_HOME");
        var cacheRoot = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheRoot, "huggingface", "hub");
    }

    private static bool IsHubId(string model) =>
        model.Length > 0 && model.Count(c => c == '/') <= 1 && !model.Contains("..") && !model.Contains('\\')
        && model.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
}
