using System.Globalization;
using System.Text;

namespace AttentionLens.Server.Report;

/// <summary>Escaping and number formatting shared by the HTML and SVG writers.</summary>
internal static class Markup
{
    /// <summary>
    /// Escapes text for HTML/XML content and quoted attributes: &amp; &lt; &gt; " ' become entities;
    /// characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, lone
    /// surrogates, U+FFFE/U+FFFF) become U+FFFD, so a token such as "&lt;/script&gt;" or a control
    /// character can neither break the markup nor make the SVG ill-formed.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF')
                    {
                        sb.Append('\uFFFD');
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Invariant-culture number for attributes and labels.</summary>
    public static string N(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A white-to-blue colour for a value in [0, 1] (clamped; NaN is grey).</summary>
    public static string Heat(double t)
    {
        if (double.IsNaN(t))
        {
            return "#ccc";
        }

        t = Math.Clamp(t, 0, 1);
        var r = (int)Math.Round(255 - t * (255 - 33));
        var g = (int)Math.Round(255 - t * (255 - 102));
        var b = (int)Math.Round(255 - t * (255 - 172));
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    /// <summary>Text colour readable on <see cref="Heat"/>(t).</summary>
    public static string Ink(double t) => t > 0.55 ? "#fff" : "#111";

    /// <summary>Scales scores to [0, 1] by the largest absolute value (0 stays 0).</summary>
    public static double[] Normalise(IReadOnlyList<double> scores)
    {
        var max = scores.Count == 0 ? 0 : scores.Max(Math.Abs);
        return scores.Select(s => max > 0 && double.IsFinite(s) ? Math.Abs(s) / max : 0).ToArray();
    }
}
