namespace AttentionLens.Tokenizers.PostProcessors;

/// <summary>One element of a TemplateProcessing template: a special token (by its template id) or
/// sequence A / B, each with the type id it gets.</summary>
public sealed record TemplatePiece(bool IsSpecialToken, string Id, int TypeId);
