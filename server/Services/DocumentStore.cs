using System.Collections.Concurrent;

namespace AttentionLens.Server.Services;

/// <summary>The documents the client has opened, by URI (textDocument/didOpen … didClose).</summary>
public sealed class DocumentStore
{
    private readonly ConcurrentDictionary<string, TextDocument> documents = new(StringComparer.Ordinal);

    public void Set(string uri, TextDocument document) => documents[uri] = document;

    public bool Remove(string uri) => documents.TryRemove(uri, out _);

    public TextDocument? Find(string uri) => documents.TryGetValue(uri, out var d) ? d : null;

    public TextDocument Get(string uri) => Find(uri) ?? throw new DocumentNotOpenException(uri);
}
