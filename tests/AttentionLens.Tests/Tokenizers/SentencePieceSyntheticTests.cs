using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>A SentencePiece Unigram model written here (the shared models are BPE) and a
/// hand-built precompiled character map, to check the protobuf reader, Viterbi and the trie walk.</summary>
public sealed class SentencePieceSyntheticTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("al-spm-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static ProtobufWriter Piece(string piece, float score, int type = 1) =>
        new ProtobufWriter().String(1, piece).Float(2, score).Int(3, type);

    [Fact]
    public void UnigramModelSegmentsByMaximumLikelihood()
    {
        var model = new ProtobufWriter()
            .Message(1, Piece("<unk>", 0, 2)).Message(1, Piece("<s>", 0, 3)).Message(1, Piece("</s>", 0, 3))
            .Message(1, Piece("▁", -3)).Message(1, Piece("a", -2)).Message(1, Piece("b", -2))
            .Message(1, Piece("▁a", -2)).Message(1, Piece("ab", -2)).Message(1, Piece("▁ab", -5))
            .Message(2, new ProtobufWriter().Int(3, 1))
            .Message(3, new ProtobufWriter().String(1, "identity"));
        var file = Path.Combine(_dir, "tokenizer.model");
        File.WriteAllBytes(file, model.ToArray());
        var tokenizer = TokenizerLoader.Load(_dir);
        // "▁ab": ▁a + b = −4 beats ▁ab = −5, ▁ + ab = −5 and ▁ + a + b = −7.
        var e = tokenizer.Encode("ab");
        Assert.Equal([1, 6, 5], e.Ids);
        Assert.Equal([new TextRange(0, 0), new TextRange(0, 1), new TextRange(1, 2)], e.Tokens.Select(t => t.Source).ToArray());
        Assert.Equal([1, 6, 0], tokenizer.Encode("axy").Ids);
        Assert.Equal(new TextRange(1, 3), tokenizer.Encode("axy").Tokens[2].Source);
        Assert.Equal("ab", tokenizer.Decode([1, 6, 5]));
    }

    [Fact]
    public void PrecompiledMapReplacesThroughTheDoubleArray()
    {
        // Darts-clone units: root offset 1; 'a' (0x61) lands on 1 ^ 0x61 = 96, labelled 0x61 with a
        // leaf at 96 ^ 2 = 98 whose value 0 indexes "b\0" in the string blob.
        var units = new uint[99];
        units[0] = 1u << 10;
        units[96] = (2u << 10) | (1u << 8) | 0x61;
        units[98] = 0;
        var map = new byte[4 + units.Length * 4 + 2];
        BitConverter.GetBytes((uint)(units.Length * 4)).CopyTo(map, 0);
        Buffer.BlockCopy(units, 0, map, 4, units.Length * 4);
        map[^2] = (byte)'b';
        var n = NormalizedString.FromOriginal("xab");
        new PrecompiledNormalizer(map, "test", "precompiled_charsmap").Normalize(n);
        Assert.Equal("xbb", n.Text);
        Assert.Equal(new TextRange(1, 2), n.OriginalRange(1, 2));
        Assert.Throws<TokenizerException>(() => new PrecompiledNormalizer([1, 0, 0, 0, 9], "test.json", "normalizer.precompiled_charsmap"));
    }
}
