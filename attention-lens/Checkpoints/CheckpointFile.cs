namespace AttentionLens.Checkpoints;

/// <summary>
/// The one way checkpoint files are looked at before they are opened. A path a user names may hold
/// a NUL or be a folder, a device (<c>/dev/zero</c> never ends), a FIFO (opening it blocks until
/// a writer comes) or a socket. All of those report a size of 0 from <c>stat</c>, while every file
/// a checkpoint holds has at least a few bytes, so "a regular file with a non-zero size, after
/// following links" is checked without opening anything; reads are then bounded by that size and
/// by a per-format cap, never by what the file's contents claim.
/// </summary>
public static class CheckpointFile
{
    /// <summary>
    /// The full path and size of an existing, non-empty regular file, or a
    /// <see cref="CheckpointException"/> naming <paramref name="path"/> and what it is instead.
    /// </summary>
    public static (string FullPath, long Length) Check(string path)
    {
        string full = FullPath(path);
        if (Directory.Exists(full))
            throw new CheckpointException(full, "is a folder, not a file.");
        FileSystemInfo target = new FileInfo(full);
        try
        {
            // FileInfo describes a link itself (its length is that of the target's name); follow it.
            if (target.LinkTarget is not null)
                target = File.ResolveLinkTarget(full, returnFinalTarget: true) ?? target;
        }
        catch (IOException e)
        {
            throw new CheckpointException(full, $"is a link that cannot be followed ({e.Message}).", e);
        }
        if (target is DirectoryInfo || Directory.Exists(target.FullName))
            throw new CheckpointException(full, "is a link to a folder, not a file.");
        if (!target.Exists)
            throw new CheckpointException(full, target.FullName == full ? "file not found." : $"is a link to {target.FullName}, which does not exist.");
        long length = ((FileInfo)target).Length;
        if (length == 0)
            throw new CheckpointException(full, "is empty, or is not a regular file (a device, pipe or socket); a checkpoint file holds data.");
        return (full, length);
    }

    /// <summary>
    /// The whole file, after <see cref="Check"/>, refusing files over <paramref name="maxBytes"/>
    /// (<paramref name="what"/> names the kind of file in that message).
    /// </summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        var (full, length) = Check(path);
        if (length > maxBytes || length > Array.MaxLength)
            throw new CheckpointException(full, $"is {length} bytes, more than a {what} can plausibly be ({Math.Min(maxBytes, Array.MaxLength)} bytes); it is not a {what} or it is damaged.");
        var bytes = new byte[length];
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length)
                throw new CheckpointException(full, $"shrank while it was read ({read} of {length} bytes).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(full, $"cannot be read ({e.Message}).", e);
        }
        return bytes;
    }

    /// <summary><see cref="ReadAllBytes"/> decoded as UTF-8 (a byte-order mark is skipped).</summary>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        var bytes = ReadAllBytes(path, maxBytes, what);
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        return System.Text.Encoding.UTF8.GetString(span);
    }

    /// <summary>
    /// <see cref="Path.GetFullPath(string)"/>, refusing a NUL (which no file system accepts and
    /// which .NET rejects with an <see cref="ArgumentException"/>) with a message naming the path.
    /// </summary>
    public static string FullPath(string path)
    {
        if (string.IsNullOrEmpty(path))
            throw new CheckpointException("(empty path)", "no path was given.");
        if (path.Contains('\0'))
            throw new CheckpointException(path.Replace("\0", "\\0", StringComparison.Ordinal), "the path contains a NUL character, which no file name can hold.");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CheckpointException(path, $"is not a valid path ({e.Message}).", e);
        }
    }
}
