using System.Text.RegularExpressions;
using AttentionLens.Tokenizers.Normalizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>
/// The Metaspace normalizer's regexes (<c>\A +| +\z</c>, <c> {2,}</c>) are matched by hand
/// (<see cref="SpaceRunMatcher"/>, to keep the regex engine's JIT cost off the model load path);
/// .NET's Regex on the same pattern is the reference: same matches, same order, on edge cases and
/// on random texts of spaces, tabs, letters and non-BMP characters.
/// </summary>
public sealed class TokenizerPatternFastPathTests
{
    public static TheoryData<string> Patterns() => new() { SpaceRunMatcher.Runs, SpaceRunMatcher.Edges };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void MatchesLikeDotNetRegex(string pattern)
    {
        var reference = new Regex(pattern, RegexOptions.CultureInvariant);
        var fast = Pattern.FromRegex(pattern);
        Assert.False(fast.IsNonBacktracking); // no regex engine is built for it
        var texts = new List<string> { "", " ", "  ", "   ", "a", " a", "a ", " a ", "  a  b   c  ", "a  b", "a b", "\t \t", " \u00a0 ", "😀  😀 ", "  x" };
        var random = new Random(15);
        var alphabet = new[] { " ", " ", " ", "a", "\t", "\u2581", "😀" };
        for (var n = 0; n < 2000; n++)
            texts.Add(string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])));
        foreach (var text in texts)
        {
            var expected = reference.Matches(text).Where(m => m.Length > 0).Select(m => (m.Index, m.Index + m.Length)).ToList();
            var actual = fast.Matches(text);
            Assert.True(expected.SequenceEqual(actual),
                $"/{pattern}/ on \"{text}\": regex {string.Join(",", expected)}, hand-matched {string.Join(",", actual)}");
        }
    }
}
