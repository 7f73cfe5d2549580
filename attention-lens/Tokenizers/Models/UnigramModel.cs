using System.Text;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Models;

/// <summary>
/// Unigram language model (Kudo 2018; SentencePiece): the segmentation maximizing the sum of piece
/// log-probabilities, found by Viterbi over rune boundaries. A rune no piece covers is the unknown
/// token with score min(score) − 10 (SentencePiece's kUnkPenalty); consecutive unknowns are fused,
/// or turned into byte pieces with <c>byte_fallback</c>.
/// </summary>
public sealed class UnigramModel : IModel
{
    private const double UnkPenalty = 10.0;
    private readonly double[] _scores;
    private readonly int _maxPieceLength;
    private readonly double _unkScore;
    private readonly int[]? _byteIds;

    public UnigramModel(IReadOnlyList<(string Piece, double Score)> pieces, int? unkId, bool byteFallback)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        _scores = new double[pieces.Count];
        for (var i = 0; i < pieces.Count; i++)
        {
            ids.TryAdd(pieces[i].Piece, i);
            _scores[i] = pieces[i].Score;
            _maxPieceLength = Math.Max(_maxPieceLength, pieces[i].Piece.Length);
        }
        Vocab = new Vocabulary(ids);
        UnkId = unkId;
        _unkScore = (pieces.Count == 0 ? 0 : pieces.Min(p => p.Score)) - UnkPenalty;
        if (byteFallback)
        {
            _byteIds = new int[256];
            for (var b = 0; b < 256; b++) _byteIds[b] = Vocab[$"<0x{b:X2}>"] ?? -1;
        }
    }

    public Vocabulary Vocab { get; }
    public int? UnkId { get; }

    public int VocabSize => Vocab.Count;

    public int? TokenToId(string token) => Vocab[token];

    public string? IdToToken(int id) => Vocab.Token(id);

    public void Tokenize(string piece, List<ModelToken> output)
    {
        var n = piece.Length;
        if (n == 0) return;
        var best = new double[n + 1];
        var from = new int[n + 1];
        var via = new int[n + 1];
        Array.Fill(best, double.NegativeInfinity);
        best[0] = 0;
        for (var i = 0; i < n; i++)
        {
            if (char.IsLowSurrogate(piece[i]) || double.IsNegativeInfinity(best[i])) continue;
            var width = char.IsHighSurrogate(piece[i]) && i + 1 < n && char.IsLowSurrogate(piece[i + 1]) ? 2 : 1;
            var covered = false;
            var limit = Math.Min(n, i + _maxPieceLength);
            for (var end = i + 1; end <= limit; end++)
            {
                if (end < n && char.IsLowSurrogate(piece[end])) continue;
                if (!Vocab.TryGetId(piece.AsSpan(i, end - i), out var id)) continue;
                if (end == i + width) covered = true;
                var score = best[i] + _scores[id];
                if (score > best[end])
                {
                    best[end] = score;
                    from[end] = i;
                    via[end] = id;
                }
            }
            if (!covered)
            {
                var score = best[i] + _unkScore;
                if (score > best[i + width])
                {
                    best[i + width] = score;
                    from[i + width] = i;
                    via[i + width] = -1;
                }
            }
        }
        var path = new List<(int Id, int Start, int End)>();
        for (var end = n; end > 0; end = from[end]) path.Add((via[end], from[end], end));
        path.Reverse();
        Emit(piece, path, output);
    }

    private void Emit(string piece, List<(int Id, int Start, int End)> path, List<ModelToken> output)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var k = 0; k < path.Count; k++)
        {
            var (id, start, end) = path[k];
            if (id >= 0)
            {
                output.Add(new ModelToken(id, Vocab.Token(id)!, start, end));
                continue;
            }
            if (_byteIds is not null && TryBytes(piece, start, end, utf8, output)) continue;
            while (k + 1 < path.Count && path[k + 1].Id < 0) end = path[++k].End;
            var unk = UnkId ?? throw new AttentionLensException("Unigram: text has characters outside the vocabulary and the model has no 'unk_id'; fix the tokenizer file.");
            output.Add(new ModelToken(unk, Vocab.Token(unk) ?? "<unk>", start, end));
        }
    }

    private bool TryBytes(string piece, int start, int end, Span<byte> utf8, List<ModelToken> output)
    {
        var rune = Rune.DecodeFromUtf16(piece.AsSpan(start, end - start), out var r, out _) == System.Buffers.OperationStatus.Done ? r : Rune.ReplacementChar;
        var n = rune.EncodeToUtf8(utf8);
        for (var b = 0; b < n; b++)
            if (_byteIds![utf8[b]] < 0) return false;
        for (var b = 0; b < n; b++)
        {
            var id = _byteIds![utf8[b]];
            output.Add(new ModelToken(id, Vocab.Token(id)!, start, end));
        }
        return true;
    }
}
