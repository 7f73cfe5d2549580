namespace AttentionLens.Tokenizers.SentencePiece;

/// <summary>
/// A minimal protocol-buffers wire-format reader (varints, 32/64-bit fixed, length-delimited) over a
/// byte span, enough for SentencePiece's ModelProto. Every read is bounds-checked; malformed input
/// throws <see cref="TokenizerException"/> naming the file and the message path being read.
/// </summary>
public ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _file;
    private readonly string _path;
    private int _pos;

    public ProtobufReader(ReadOnlySpan<byte> data, string file, string path)
    {
        _data = data;
        _file = file;
        _path = path;
        _pos = 0;
    }

    public bool AtEnd => _pos >= _data.Length;

    private TokenizerException Fail(string fault) =>
        new(_file, _path, $"{fault} at byte {_pos}: this is not a SentencePiece model protobuf (or it is truncated).");

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw Fail("truncated varint");
            var b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw Fail("varint longer than 10 bytes");
    }

    /// <summary>Reads a field key: (field number, wire type).</summary>
    public (int Field, int WireType) ReadTag()
    {
        var key = ReadVarint();
        var field = (int)(key >> 3);
        var wire = (int)(key & 7);
        if (field <= 0) throw Fail("invalid field number 0");
        if (wire is not (0 or 1 or 2 or 5)) throw Fail($"unsupported wire type {wire} for field {field}");
        return (field, wire);
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos)) throw Fail($"length {length} runs past the end");
        var span = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return span;
    }

    public float ReadFloat()
    {
        if (_data.Length - _pos < 4) throw Fail("truncated float");
        var v = BitConverter.ToSingle(_data.Slice(_pos, 4));
        _pos += 4;
        return v;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1:
                if (_data.Length - _pos < 8) throw Fail("truncated fixed64");
                _pos += 8;
                break;
            case 2: ReadBytes(); break;
            case 5:
                if (_data.Length - _pos < 4) throw Fail("truncated fixed32");
                _pos += 4;
                break;
        }
    }

    /// <summary>Fails unless the field has the wire type the schema says.</summary>
    public void Expect(int field, int wireType, int expected)
    {
        if (wireType != expected) throw Fail($"field {field} has wire type {wireType}, expected {expected}");
    }
}
