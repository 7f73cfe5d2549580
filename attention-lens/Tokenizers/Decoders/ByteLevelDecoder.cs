using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Decoders;

/// <summary>ByteLevel: maps the byte characters of all tokens back to bytes and decodes them as UTF-8
/// (invalid sequences become U+FFFD). Characters outside the byte alphabet (added tokens) pass as their
/// own UTF-8.</summary>
public sealed class ByteLevelDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var token in tokens)
        {
            foreach (var r in token.EnumerateRunes())
            {
                var b = r.IsBmp ? ByteLevelAlphabet.Decode((char)r.Value) : -1;
                if (b >= 0)
                {
                    bytes.Add((byte)b);
                    continue;
                }
                var n = r.EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++) bytes.Add(utf8[k]);
            }
        }
        return [System.Text.Encoding.UTF8.GetString(bytes.ToArray())];
    }
}
