using System.Text.RegularExpressions;
using AttentionLens.Tokenizers.Normalizers;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Reads <c>{"String": s}</c> or <c>{"Regex": r}</c>.</summary>
public static class PatternBuilder
{
    public static Pattern Build(JsonSection s)
    {
        if (s.Has("String")) return Pattern.Literal(s.GetString("String"));
        if (s.Has("Regex"))
        {
            var regex = s.GetString("Regex");
            try
            {
                return Pattern.FromRegex(regex, s.File, s.Path);
            }
            catch (ArgumentException e)
            {
                throw new TokenizerException(s.File, s.Path + ".Regex", $"is not a regular expression this engine accepts: {e.Message}", e);
            }
        }
        throw s.Error("", "expected {\"String\": ...} or {\"Regex\": ...}.");
    }
}
