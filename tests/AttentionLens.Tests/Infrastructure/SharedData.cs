namespace AttentionLens.Tests;

/// <summary>
/// Locates the reference data in <c>../shared/</c> beside the repository root (or in
/// <c>ATTENTION_LENS_SHARED</c>). Tests read it in place; nothing is copied into the repository.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding AttentionLens.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "AttentionLens.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("AttentionLens.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The shared/ folder.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>A path under shared/, e.g. <c>Path("golden", "hf", "bert")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("ATTENTION_LENS_SHARED");
        if (!string.IsNullOrEmpty(env)) return env;
        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared"));
        if (!Directory.Exists(candidate))
            throw new DirectoryNotFoundException($"Reference data not found at {candidate}; set ATTENTION_LENS_SHARED.");
        return candidate;
    }
}
