namespace AttentionLens.Tokenizers.Models;

/// <summary>Token ↔ id maps with span lookups (no allocation when probing substrings).</summary>
public sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly string?[] _tokens;

    public Vocabulary(IReadOnlyDictionary<string, int> ids)
    {
        _ids = new Dictionary<string, int>(ids, StringComparer.Ordinal);
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var max = ids.Count == 0 ? -1 : ids.Values.Max();
        _tokens = new string?[max + 1];
        foreach (var (token, id) in ids)
            if (id >= 0) _tokens[id] ??= token;
    }

    public int Count => _ids.Count;

    /// <summary>One past the largest id (ids may have gaps).</summary>
    public int Size => _tokens.Length;

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _spanIds.TryGetValue(token, out id);

    public int? this[string token] => _ids.TryGetValue(token, out var id) ? id : null;

    public string? Token(int id) => id >= 0 && id < _tokens.Length ? _tokens[id] : null;
}
