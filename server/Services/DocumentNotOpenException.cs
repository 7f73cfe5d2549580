namespace AttentionLens.Server.Services;

/// <summary>A request about a document that was not opened with didOpen.</summary>
public sealed class DocumentNotOpenException : AttentionLensException
{
    public DocumentNotOpenException(string uri)
        : base($"Document '{uri}' is not open: send textDocument/didOpen first.", uri)
    {
    }
}
