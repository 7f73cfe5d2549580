namespace AttentionLens.Server.Cli;

/// <summary>
/// An <c>--out</c>/<c>--output</c> path, checked before any work starts so a typo does not cost an
/// analysis: it must not hold a NUL or name an existing folder. A missing parent folder is
/// created (as <c>mkdir -p</c> would), so <c>--out results/run1/a.json</c> works on a fresh tree.
/// </summary>
internal static class CliOutput
{
    /// <summary>The full path to write, with its parent folder created; null stays null (stdout).</summary>
    public static string? Prepare(string? path, string option = "--out")
    {
        if (path is null) return null;
        if (path.Length == 0)
            throw new AttentionLensException($"{option} is empty; give a file path.", option);
        if (path.Contains('\0'))
            throw new AttentionLensException($"{option} contains a NUL character, which no file name can hold.", option);
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new AttentionLensException($"{option} '{path}' is not a valid path ({e.Message}).", path, e);
        }
        if (Directory.Exists(full))
            throw new AttentionLensException($"{option} '{path}' is a folder; give a file path inside it.", path);
        var parent = Path.GetDirectoryName(full);
        try
        {
            if (parent is not null) Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AttentionLensException($"{option} '{path}': cannot create its folder {parent} ({e.Message}).", path, e);
        }
        return full;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, naming the option on failure.</summary>
    public static async Task WriteAllTextAsync(string path, string text, string option = "--out")
    {
        try
        {
            await File.WriteAllTextAsync(path, text).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AttentionLensException($"{option} '{path}' cannot be written ({e.Message}).", path, e);
        }
    }
}
