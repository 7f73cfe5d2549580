using System.Text.RegularExpressions;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>The hand-compiled GPT-2 splitter against an independent engine: .NET's regex running the
/// published pattern, on every golden sentence (text within the BMP, where both engines agree on
/// \p{L}) plus whitespace edge cases.</summary>
public class Gpt2SplitterTests
{
    [Fact]
    public void AgreesWithTheRegexEngine()
    {
        var regex = new Regex(Pattern.Gpt2Regex, RegexOptions.CultureInvariant);
        var texts = GoldenCase.Load("gpt2").Select(c => c.Text).Where(t => !t.Any(char.IsSurrogate))
            .Concat(["a \tb", "x   ", "  y", "'S 's 'll 've're", "a\u00A0\u00A0b", "\n\n\nz", "?'s", "1 2  3"]).ToList();
        Assert.True(texts.Count > 30);
        foreach (var text in texts)
        {
            var expected = regex.Matches(text).Select(m => (m.Index, m.Index + m.Length)).ToList();
            var actual = new List<(int, int)>();
            Gpt2Splitter.Split(text, actual);
            Assert.True(expected.SequenceEqual(actual),
                $"{GoldenTokenizerTests.Quote(text)}: regex [{string.Join(" ", expected)}], splitter [{string.Join(" ", actual)}]");
        }
    }

    [Fact]
    public void LettersOutsideTheBmpAreLetters()
    {
        var matches = new List<(int, int)>();
        Gpt2Splitter.Split("a𝐀b c", matches);
        Assert.Equal([(0, 4), (4, 6)], matches);
    }
}
