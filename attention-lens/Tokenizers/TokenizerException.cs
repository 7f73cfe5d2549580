namespace AttentionLens.Tokenizers;

/// <summary>A tokenizer file is missing, malformed or names something it does not define. The
/// message names the file and the field; <see cref="AttentionLensException.Path"/> is the file.</summary>
public sealed class TokenizerException : AttentionLensException
{
    public TokenizerException(string path, string field, string fault, Exception? inner = null)
        : base($"{System.IO.Path.GetFileName(path)}: {(string.IsNullOrEmpty(field) ? "" : $"field '{field}': ")}{fault}", path, inner)
    {
        Field = field;
    }

    /// <summary>The JSON path / protobuf field / line at fault ("" when the whole file is).</summary>
    public string Field { get; }
}
