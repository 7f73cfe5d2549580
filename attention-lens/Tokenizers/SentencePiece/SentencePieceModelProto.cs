using System.Text;

namespace AttentionLens.Tokenizers.SentencePiece;

/// <summary>SentencePiece piece types (sentencepiece_model.proto).</summary>
public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

/// <summary>One vocabulary entry of a SentencePiece model.</summary>
public sealed record SentencePieceEntry(string Piece, float Score, PieceType Type);

/// <summary>
/// The parts of SentencePiece's <c>ModelProto</c> a tokenizer needs (sentencepiece_model.proto):
/// pieces (1), trainer_spec (2: model_type 3, byte_fallback 35, unk_id 40) and normalizer_spec
/// (3: name 1, precompiled_charsmap 2, add_dummy_prefix 3, remove_extra_whitespaces 4,
/// escape_whitespaces 5; the last three default to true).
/// </summary>
public sealed class SentencePieceModelProto
{
    public List<SentencePieceEntry> Pieces { get; } = new();
    public int ModelType { get; private set; } = 1;
    public bool ByteFallback { get; private set; }
    public int UnkId { get; private set; }
    public string NormalizerName { get; private set; } = "";
    public byte[] PrecompiledCharsmap { get; private set; } = [];
    public bool AddDummyPrefix { get; private set; } = true;
    public bool RemoveExtraWhitespaces { get; private set; } = true;
    public bool EscapeWhitespaces { get; private set; } = true;

    public static SentencePieceModelProto Parse(byte[] data, string file)
    {
        var model = new SentencePieceModelProto();
        var reader = new ProtobufReader(data, file, "ModelProto");
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    reader.Expect(field, wire, 2);
                    model.Pieces.Add(ParsePiece(reader.ReadBytes(), file, $"pieces[{model.Pieces.Count}]"));
                    break;
                case 2:
                    reader.Expect(field, wire, 2);
                    model.ParseTrainerSpec(reader.ReadBytes(), file);
                    break;
                case 3:
                    reader.Expect(field, wire, 2);
                    model.ParseNormalizerSpec(reader.ReadBytes(), file);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (model.Pieces.Count == 0)
            throw new TokenizerException(file, "pieces", "the model has no pieces: this is not a SentencePiece model protobuf.");
        if (model.UnkId < 0 || model.UnkId >= model.Pieces.Count)
            throw new TokenizerException(file, "trainer_spec.unk_id", $"{model.UnkId} is outside the vocabulary (size {model.Pieces.Count}).");
        return model;
    }

    private static SentencePieceEntry ParsePiece(ReadOnlySpan<byte> data, string file, string path)
    {
        var reader = new ProtobufReader(data, file, path);
        string? piece = null;
        var score = 0f;
        var type = PieceType.Normal;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.Expect(field, wire, 2); piece = Utf8(reader.ReadBytes(), file, path + ".piece"); break;
                case 2: reader.Expect(field, wire, 5); score = reader.ReadFloat(); break;
                case 3:
                    reader.Expect(field, wire, 0);
                    var t = reader.ReadVarint();
                    if (t is < 1 or > 6) throw new TokenizerException(file, path + ".type", $"unknown piece type {t}.");
                    type = (PieceType)t;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        if (piece is null) throw new TokenizerException(file, path + ".piece", "is missing.");
        return new SentencePieceEntry(piece, score, type);
    }

    private void ParseTrainerSpec(ReadOnlySpan<byte> data, string file)
    {
        var reader = new ProtobufReader(data, file, "trainer_spec");
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 3: reader.Expect(field, wire, 0); ModelType = (int)reader.ReadVarint(); break;
                case 35: reader.Expect(field, wire, 0); ByteFallback = reader.ReadVarint() != 0; break;
                case 40: reader.Expect(field, wire, 0); UnkId = (int)(long)reader.ReadVarint(); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private void ParseNormalizerSpec(ReadOnlySpan<byte> data, string file)
    {
        var reader = new ProtobufReader(data, file, "normalizer_spec");
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.Expect(field, wire, 2); NormalizerName = Utf8(reader.ReadBytes(), file, "normalizer_spec.name"); break;
                case 2: reader.Expect(field, wire, 2); PrecompiledCharsmap = reader.ReadBytes().ToArray(); break;
                case 3: reader.Expect(field, wire, 0); AddDummyPrefix = reader.ReadVarint() != 0; break;
                case 4: reader.Expect(field, wire, 0); RemoveExtraWhitespaces = reader.ReadVarint() != 0; break;
                case 5: reader.Expect(field, wire, 0); EscapeWhitespaces = reader.ReadVarint() != 0; break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string file, string path)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new TokenizerException(file, path, "is not valid UTF-8: this is not a SentencePiece model protobuf.", e);
        }
    }
}
