using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>
/// Where models come from: folders named in settings (each a checkpoint or a folder of them), the
/// Hugging Face hub cache (<c>models--org--name/snapshots/&lt;rev&gt;/</c>), and the bundled demo
/// models copied beside the executable (<c>models/demo/&lt;name&gt;</c>). Resolves a request's model
/// argument (an id from the list, or a path) to a checkpoint folder, or says what is wrong with it.
/// </summary>
public sealed class ModelRegistry(Func<ServerSettings> settings, string bundledRoot)
{
    public const string SourceSettings = "settings";
    public const string SourceHuggingFace = "huggingFaceCache";
    public const string SourceBundled = "bundled";
    public const string SourceWorkspace = "workspace";

    public static string DefaultBundledRoot => Path.Combine(AppContext.BaseDirectory, "models", "demo");

    /// <summary>Every model found, without loading any.</summary>
    /// <param name="workspaceFolders">The editor's workspace folders, searched for checkpoints (<see cref="WorkspaceModels"/>).</param>
    public IReadOnlyList<ModelEntry> List(Func<string, bool> isLoaded, IReadOnlyList<string>? workspaceFolders = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<ModelEntry>();
        var workspace = workspaceFolders is null ? [] : WorkspaceModels.Find(workspaceFolders).Select(m => (m.Id, m.Path, SourceWorkspace));
        foreach (var (id, path, source) in Candidates().Concat(workspace))
        {
            if (!seen.Add(path)) continue;
            var s = CheckpointSummary.Read(path);
            entries.Add(new ModelEntry(id, path, source, s.Architecture, s.ModelType, s.Layers, s.Heads, s.ParameterCount, s.HasTokenizer, isLoaded(path), s.Problem,
                CheckpointSize.WeightBytes(path)));
        }
        return entries;
    }

    /// <summary>The checkpoint folder for <paramref name="model"/> (an id or a path), checked to look like one.</summary>
    public string Resolve(string model)
    {
        if (string.IsNullOrWhiteSpace(model)) throw new InvalidParamsException("'model' is empty: give a model id from attentionLens/listModels or a checkpoint folder.");
        if (RandomModelSpec.IsRandom(model)) return RandomModelSpec.Parse(model).ToString();
        foreach (var (id, path, _) in Candidates())
            if (string.Equals(id, model, StringComparison.Ordinal)) return path;
        var full = Path.GetFullPath(ExpandHome(model));
        if (File.Exists(full))
            throw new NotAModelException(full, CheckpointSummary.Expected, "It is a file; give the folder that holds config.json.");
        if (!Directory.Exists(full))
            throw new ModelNotFoundException(full, CheckpointSummary.Expected);
        if (!CheckpointSummary.LooksLikeCheckpoint(full))
            throw new NotAModelException(full, CheckpointSummary.Expected, "config.json is missing.");
        if (!CheckpointSummary.HasWeights(full))
            throw new NotAModelException(full, CheckpointSummary.Expected, "No weights file was found.");
        return full;
    }

    private IEnumerable<(string Id, string Path, string Source)> Candidates()
    {
        var s = settings();
        foreach (var configured in s.ModelPaths ?? [])
        {
            var root = Path.GetFullPath(ExpandHome(configured));
            if (CheckpointSummary.LooksLikeCheckpoint(root)) yield return (Path.GetFileName(root), root, SourceSettings);
            else if (Directory.Exists(root))
                foreach (var sub in SafeDirectories(root).Where(CheckpointSummary.LooksLikeCheckpoint))
                    yield return (Path.GetFileName(sub), sub, SourceSettings);
        }
        if (s.UseHuggingFaceCache ?? true)
        {
            var hub = s.HuggingFaceCache ?? DefaultHubCache();
            if (hub is not null && Directory.Exists(hub))
                foreach (var repo in SafeDirectories(hub).Where(d => Path.GetFileName(d).StartsWith("models--", StringComparison.Ordinal)))
                {
                    // The revision refs/main names (huggingface_hub's layout, as the core's ModelLocator reads it), else the newest snapshot.
                    var snapshot = MainSnapshot(repo) ?? SafeDirectories(Path.Combine(repo, "snapshots")).Where(CheckpointSummary.LooksLikeCheckpoint)
                        .OrderByDescending(Directory.GetLastWriteTimeUtc).FirstOrDefault();
                    if (snapshot is not null)
                        yield return (Path.GetFileName(repo)["models--".Length..].Replace("--", "/"), snapshot, SourceHuggingFace);
                }
        }
        foreach (var bundled in SafeDirectories(bundledRoot).Where(CheckpointSummary.LooksLikeCheckpoint))
            yield return ("demo/" + Path.GetFileName(bundled), bundled, SourceBundled);
    }

    private static string? MainSnapshot(string repo)
    {
        try
        {
            var refFile = Path.Combine(repo, "refs", "main");
            if (!File.Exists(refFile) || new FileInfo(refFile).Length > 4096) return null;
            var revision = File.ReadAllText(refFile).Trim();
            if (revision.Length == 0 || revision.Contains('/') || revision.Contains('\\') || revision.Contains("..")) return null;
            var snapshot = Path.Combine(repo, "snapshots", revision);
            return CheckpointSummary.LooksLikeCheckpoint(snapshot) ? snapshot : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? DefaultHubCache()
    {
        var hubCache = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (!string.IsNullOrEmpty(hubCache)) return hubCache;
        var home = Environment.GetEnvironmentVariable("HF_HOME");
        if (!string.IsNullOrEmpty(home)) return Path.Combine(home, "hub");
        var user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(user) ? null : Path.Combine(user, ".cache", "huggingface", "hub");
    }

    private static IEnumerable<string> SafeDirectories(string root)
    {
        try
        {
            return Directory.Exists(root) ? Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray() : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
