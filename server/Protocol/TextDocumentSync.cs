using System.Text.Json.Serialization;

namespace AttentionLens.Server.Protocol;

public sealed record TextDocumentIdentifier(string Uri);

public sealed record VersionedTextDocumentIdentifier(string Uri, int Version);

/// <summary><paramref name="Text"/> keeps invalid UTF-16 (a lone surrogate) exactly as the editor has it.</summary>
public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, [property: JsonConverter(typeof(Utf16StringConverter))] string Text);

public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

/// <summary>One change: with <paramref name="Range"/> an incremental edit, without it the full text.</summary>
public sealed record TextDocumentContentChangeEvent([property: JsonConverter(typeof(Utf16StringConverter))] string Text, Range? Range = null);

public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, IReadOnlyList<TextDocumentContentChangeEvent> ContentChanges);

public sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);
