using System.Collections.Concurrent;
using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Models;

/// <summary>
/// Byte-pair encoding (Rust <c>models::bpe::BPE</c>): each rune of the piece starts as a symbol
/// (with <see cref="ContinuingSubwordPrefix"/> on non-initial ones and <see cref="EndOfWordSuffix"/>
/// on the last), unknown runes become byte tokens (<c>byte_fallback</c>) or the unknown token (fused
/// when <c>fuse_unk</c>), then merges apply by priority. Dropout is ignored (inference is deterministic).
/// </summary>
public sealed class BpeModel : IModel
{
    private const int CacheCapacity = 10_000;
    private const int CacheMaxPieceLength = 256;
    private readonly ConcurrentDictionary<string, ModelToken[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount;
    private readonly int? _unkId;
    private readonly int[]? _byteIds;

    public BpeModel(
        Vocabulary vocab,
        IMergeTable merges,
        string? unkToken = null,
        string? continuingSubwordPrefix = null,
        string? endOfWordSuffix = null,
        bool byteFallback = false,
        bool fuseUnk = false,
        bool ignoreMerges = false)
    {
        Vocab = vocab;
        Merges = merges;
        UnkToken = unkToken;
        ContinuingSubwordPrefix = string.IsNullOrEmpty(continuingSubwordPrefix) ? null : continuingSubwordPrefix;
        EndOfWordSuffix = string.IsNullOrEmpty(endOfWordSuffix) ? null : endOfWordSuffix;
        ByteFallback = byteFallback;
        FuseUnk = fuseUnk;
        IgnoreMerges = ignoreMerges;
        _unkId = unkToken is null ? null : vocab[unkToken];
        if (byteFallback)
        {
            _byteIds = new int[256];
            for (var b = 0; b < 256; b++) _byteIds[b] = vocab[$"<0x{b:X2}>"] ?? -1;
        }
    }

    public Vocabulary Vocab { get; }
    public IMergeTable Merges { get; }
    public string? UnkToken { get; }
    public string? ContinuingSubwordPrefix { get; }
    public string? EndOfWordSuffix { get; }
    public bool ByteFallback { get; }
    public bool FuseUnk { get; }
    public bool IgnoreMerges { get; }

    public int VocabSize => Vocab.Count;

    public int? TokenToId(string token) => Vocab[token];

    public string? IdToToken(int id) => Vocab.Token(id);

    public void Tokenize(string piece, List<ModelToken> output)
    {
        if (piece.Length == 0) return;
        if (IgnoreMerges && Vocab.TryGetId(piece, out var whole))
        {
            output.Add(new ModelToken(whole, piece, 0, piece.Length));
            return;
        }
        if (_cache.TryGetValue(piece, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var start = output.Count;
        var merger = new BpeMerger();
        BuildSymbols(piece, merger);
        merger.MergeAll(Merges);
        foreach (var (id, s, e) in merger.Symbols())
            output.Add(new ModelToken(id, Vocab.Token(id) ?? UnkToken ?? "", s, e));
        if (piece.Length <= CacheMaxPieceLength && Volatile.Read(ref _cacheCount) < CacheCapacity &&
            _cache.TryAdd(piece, output.GetRange(start, output.Count - start).ToArray()))
            Interlocked.Increment(ref _cacheCount);
    }

    private void BuildSymbols(string piece, BpeMerger merger)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < piece.Length)
        {
            var width = char.IsHighSurrogate(piece[i]) && i + 1 < piece.Length && char.IsLowSurrogate(piece[i + 1]) ? 2 : 1;
            var end = i + width;
            var symbol = piece.AsSpan(i, width);
            var prefix = i > 0 ? ContinuingSubwordPrefix : null;
            var suffix = end == piece.Length ? EndOfWordSuffix : null;
            int id;
            bool found;
            if (prefix is null && suffix is null)
            {
                found = Vocab.TryGetId(symbol, out id);
            }
            else
            {
                var text = string.Concat(prefix, symbol, suffix);
                found = Vocab.TryGetId(text, out id);
            }
            if (found)
            {
                merger.Add(id, i, end);
            }
            else if ((_byteIds is null || !TryAddBytes(piece, i, width, utf8, merger)) && _unkId is int unk)
            {
                if (FuseUnk && merger.LastId == unk) merger.ExtendLast(end);
                else merger.Add(unk, i, end);
            }
            i = end;
        }
    }

    private bool TryAddBytes(string piece, int at, int width, Span<byte> utf8, BpeMerger merger)
    {
        var rune = Rune.DecodeFromUtf16(piece.AsSpan(at, width), out var r, out _) == System.Buffers.OperationStatus.Done ? r : Rune.ReplacementChar;
        var n = rune.EncodeToUtf8(utf8);
        for (var k = 0; k < n; k++)
            if (_byteIds![utf8[k]] < 0) return false;
        for (var k = 0; k < n; k++) merger.Add(_byteIds![utf8[k]], at, at + width);
        return true;
    }
}
