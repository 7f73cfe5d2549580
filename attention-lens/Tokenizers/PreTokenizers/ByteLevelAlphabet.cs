namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>
/// GPT-2's reversible byte ↔ printable character map (openai/gpt-2 encoder.py <c>bytes_to_unicode</c>):
/// printable Latin-1 bytes map to themselves, the other 68 to U+0100 upwards (space → 'Ġ', \n → 'Ċ').
/// The tables are filled once in the static constructor and never written again.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = new char[256];
    private static readonly short[] CharToByte = new short[512];

    static ByteLevelAlphabet()
    {
        Array.Fill(CharToByte, (short)-1);
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            var c = printable ? (char)b : (char)(256 + n++);
            ByteToChar[b] = c;
            CharToByte[c] = (short)b;
        }
    }

    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The byte a character stands for, or −1 when it is not in the alphabet.</summary>
    public static int Decode(char c) => c < CharToByte.Length ? CharToByte[c] : -1;
}
