using System.Text;
using System.Text.RegularExpressions;
using AttentionLens.Tokenizers.Library;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>
/// <see cref="TiktokenFile.IsTiktokenLine"/> checks a first line by hand (no Regex on the model
/// load path); the format's definition, <c>^[A-Za-z0-9+/]+={0,2} [0-9]+\r?$</c>, run by .NET's Regex,
/// is the reference it must agree with on every line here.
/// </summary>
public sealed class TiktokenFileSniffTests
{
    private static readonly Regex Definition = new(@"^[A-Za-z0-9+/]+={0,2} [0-9]+\r?$");

    public static TheoryData<string> Lines() => new()
    {
        "IQ== 0", "IQ== 0\r", "IQ= 12", "IQ 3", "abc+/XYZ09 100256", "IQ=== 0", "=IQ 0", " 0", "IQ== ", "IQ==  0",
        "IQ== 0 ", "IQ== -1", "IQ==\t0", "IQ== 0\r\r", "IQ==0", "", "\r", "IQ== 0x", "I-Q 0", "I_Q 0", "IQ== ٣",
        "\n\u0005<unk>", "IQ== 1\u00e9", "é 0", "IQ=a 0",
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void AgreesWithTheFormatsRegex(string line)
    {
        // As Sniff sees it: the ASCII decoding of the bytes (non-ASCII bytes become '?').
        var bytes = Encoding.UTF8.GetBytes(line);
        var expected = Definition.IsMatch(Encoding.ASCII.GetString(bytes));
        Assert.True(expected == TiktokenFile.IsTiktokenLine(bytes), $"'{line}': regex says {expected}, IsTiktokenLine says {!expected}");
    }

    [Fact]
    public void SniffTellsTiktokenFromSentencePiece()
    {
        var dir = Directory.CreateTempSubdirectory("al-sniff-").FullName;
        try
        {
            var tiktoken = Path.Combine(dir, "a.model");
            File.WriteAllText(tiktoken, "IQ== 0\nIg== 1\n");
            var sentencePiece = Path.Combine(dir, "b.model");
            File.WriteAllBytes(sentencePiece, [0x0a, 0x0b, 0x0a, 0x05, (byte)'<', (byte)'u', (byte)'n', (byte)'k', (byte)'>']);
            Assert.True(TiktokenFile.Sniff(tiktoken));
            Assert.False(TiktokenFile.Sniff(sentencePiece));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
