using System.Globalization;

namespace AttentionLens.Tokenizers.Decoders;

/// <summary>ByteFallback: runs of <c>&lt;0xNN&gt;</c> tokens become the text their bytes spell in
/// UTF-8, or one U+FFFD per byte when they are not valid UTF-8.</summary>
public sealed class ByteFallbackDecoder : IDecoder
{
    private static readonly System.Text.Encoding StrictUtf8 = new System.Text.UTF8Encoding(false, true);

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' &&
                byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                continue;
            }
            Flush(bytes, result);
            result.Add(token);
        }
        Flush(bytes, result);
        return result;
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0) return;
        try
        {
            result.Add(StrictUtf8.GetString(bytes.ToArray()));
        }
        catch (System.Text.DecoderFallbackException)
        {
            for (var k = 0; k < bytes.Count; k++) result.Add("\uFFFD");
        }
        bytes.Clear();
    }
}
