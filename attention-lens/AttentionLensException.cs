namespace AttentionLens;

/// <summary>
/// Base of every domain error the core raises. The message says what is wrong and what to do;
/// <see cref="Path"/> names the file or input at fault where there is one. The server maps these
/// to JSON-RPC errors in one place; library code never exits the process.
/// </summary>
public class AttentionLensException : Exception
{
    public AttentionLensException(string message, string? path = null, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The file, folder or input the error is about, if any.</summary>
    public string? Path { get; }
}
