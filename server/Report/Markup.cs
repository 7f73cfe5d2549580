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

        return Mix(Math.Clamp(t, 0, 1), 33, 102, 172);
    }

    /// <summary>Text colour readable on <see cref="Heat"/>(t).</summary>
    public static string Ink(double t) => Math.Abs(t) > 0.55 ? "#fff" : "#111";

    /// <summary>Orange (−1) through white (0) to blue (+1) for signed values such as differences.</summary>
    public static string Diverge(double t)
    {
        if (double.IsNaN(t))
        {
            return "#ccc";
        }

        t = Math.Clamp(t, -1, 1);
        return t >= 0 ? Heat(t) : Mix(-t, 230, 97, 1);
    }

    private static string Mix(double t, int r1, int g1, int b1)
    {
        var r = (int)Math.Round(255 - t * (255 - r1));
        var g = (int)Math.Round(255 - t * (255 - g1));
        var b = (int)Math.Round(255 - t * (255 - b1));
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    /// <summary>Maps scores onto [0, 1] between their minimum and maximum, so that small differences
    /// between tokens stay visible; a constant (or empty) set maps to 0. Non-finite values map to NaN.</summary>
    public static double[] Normalise(IReadOnlyList<double> scores)
    {
        var finite = scores.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return scores.Select(_ => double.NaN).ToArray();
        }

        double min = finite.Min(), max = finite.Max();
        return scores.Select(s => !double.IsFinite(s) ? double.NaN : max > min ? (s - min) / (max - min) : 0).ToArray();
    }

    /// <summary>Maps signed scores onto [−1, 1] by the largest absolute value (0 stays 0).</summary>
    public static double[] NormaliseSigned(IReadOnlyList<double> scores)
    {
        var max = scores.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        return scores.Select(s => !double.IsFinite(s) ? double.NaN : max > 0 ? s / max : 0).ToArray();
    }
}
