namespace AttentionLens.Server.Services;

/// <summary>
/// Checkpoint folders (folders with a config.json) inside the editor's workspace folders, for
/// "Add Model…": a breadth-first walk a few levels deep that skips hidden folders, dependency and
/// build folders, does not descend into a checkpoint, and stops after a bounded number of folders so
/// a huge workspace answers promptly.
/// </summary>
public static class WorkspaceModels
{
    public const int MaxDepth = 4;
    public const int MaxFolders = 5000;
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "node_modules", "bin", "obj", "__pycache__", "venv" };

    /// <returns>(id = the path relative to its workspace folder, full path) per checkpoint found.</returns>
    public static IEnumerable<(string Id, string Path)> Find(IReadOnlyList<string> workspaceFolders)
    {
        int visited = 0;
        foreach (var root in workspaceFolders)
        {
            if (string.IsNullOrWhiteSpace(root) || root.Contains('\0')) continue;
            var full = Path.GetFullPath(root);
            var queue = new Queue<(string Dir, int Depth)>();
            queue.Enqueue((full, 0));
            while (queue.Count > 0 && visited < MaxFolders)
            {
                var (dir, depth) = queue.Dequeue();
                visited++;
                if (CheckpointSummary.LooksLikeCheckpoint(dir))
                {
                    var rel = Path.GetRelativePath(full, dir);
                    yield return (rel == "." ? Path.GetFileName(full) : rel.Replace('\\', '/'), dir);
                    continue;
                }
                if (depth >= MaxDepth) continue;
                foreach (var sub in Subfolders(dir))
                {
                    var name = Path.GetFileName(sub);
                    if (name.StartsWith('.') || Skipped.Contains(name)) continue;
                    queue.Enqueue((sub, depth + 1));
                }
            }
        }
    }

    private static string[] Subfolders(string dir)
    {
        try
        {
            return Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
