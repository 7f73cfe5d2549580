using System.Text;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>Writes the few protobuf wire-format records a synthetic SentencePiece model needs.</summary>
internal sealed class ProtobufWriter
{
    private readonly MemoryStream _out = new();

    public byte[] ToArray() => _out.ToArray();

    private void Varint(ulong v)
    {
        while (v >= 0x80)
        {
            _out.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _out.WriteByte((byte)v);
    }

    public ProtobufWriter Int(int field, long value)
    {
        Varint((ulong)field << 3);
        Varint((ulong)value);
        return this;
    }

    public ProtobufWriter Float(int field, float value)
    {
        Varint(((ulong)field << 3) | 5);
        _out.Write(BitConverter.GetBytes(value));
        return this;
    }

    public ProtobufWriter Bytes(int field, byte[] value)
    {
        Varint(((ulong)field << 3) | 2);
        Varint((ulong)value.Length);
        _out.Write(value);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.ToArray());
}
