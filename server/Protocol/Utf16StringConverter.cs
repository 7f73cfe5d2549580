using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttentionLens.Server.Protocol;

/// <summary>
/// Reads a JSON string into .NET's UTF-16 without loss. System.Text.Json refuses a
/// <c>\uD800</c>-style escape of a lone surrogate (it decodes through UTF-8, which cannot hold
/// one), yet an editor's document may contain one and JavaScript's JSON.stringify writes it
/// exactly so. Document text must stay identical to the editor's (positions count UTF-16 code
/// units), so such a string is decoded here, escape by escape. Raw bytes that are not UTF-8 are
/// still refused (a JsonException naming the fault), never replaced.
/// </summary>
public sealed class Utf16StringConverter : JsonConverter<string>
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"expected a string, got {reader.TokenType}.");
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException) when (reader.ValueIsEscaped)
        {
            return Unescape(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException("the string is not valid UTF-8: " + e.Message);
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Decodes the raw (still escaped) bytes of a JSON string, keeping lone surrogates.</summary>
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        var run = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\') continue;
            Append(text, raw[run..i]);
            var c = raw[++i];
            switch (c)
            {
                case (byte)'u':
                    text.Append((char)int.Parse(Encoding.ASCII.GetString(raw.Slice(i + 1, 4)), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case (byte)'b': text.Append('\b'); break;
                case (byte)'f': text.Append('\f'); break;
                case (byte)'n': text.Append('\n'); break;
                case (byte)'r': text.Append('\r'); break;
                case (byte)'t': text.Append('\t'); break;
                default: text.Append((char)c); break; // \" \\ \/ (the reader already validated the escape)
            }
            run = i + 1;
        }
        Append(text, raw[run..]);
        return text.ToString();
    }

    private static void Append(StringBuilder text, ReadOnlySpan<byte> utf8)
    {
        try
        {
            text.Append(StrictUtf8.GetString(utf8));
        }
        catch (DecoderFallbackException e)
        {
            throw new JsonException("the string is not valid UTF-8: " + e.Message);
        }
    }
}
