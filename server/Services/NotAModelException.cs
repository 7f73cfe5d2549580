namespace AttentionLens.Server.Services;

/// <summary>The path exists but the loaders cannot read it as a checkpoint.</summary>
public sealed class NotAModelException : AttentionLensException
{
    public NotAModelException(string path, string expected, string? detail = null, Exception? inner = null)
        : base($"'{path}' is not a model: expected {expected}.{(detail is null ? "" : " " + detail)}", path, inner)
    {
        Expected = expected;
    }

    /// <summary>What a model at this path should look like.</summary>
    public string Expected { get; }
}
