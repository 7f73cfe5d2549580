using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AttentionLens.Server.Report;
using AttentionLens.Tests.Demo;

namespace AttentionLens.Tests.Server;

/// <summary>
/// The standalone report carries a strict Content-Security-Policy as its first head element: no
/// network source at all, no 'unsafe-inline', and hash sources that match exactly the one inline
/// script and stylesheet it embeds (computed here independently of the writer). That the policy
/// admits the page's own drawing and blocks a request is checked in Chromium by tests/e2e/report.sh.
/// </summary>
public sealed partial class HtmlReportCspTests
{
    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")]
    private static partial Regex PolicyMeta();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex InlineStyle();

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    private static string Html()
    {
        using var writer = new StringWriter();
        HtmlReport.Write(writer, ReportWriterTests.Model());
        return writer.ToString();
    }

    private static string Sha256(string text) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + "'";

    [Fact]
    public void PolicyComesBeforeEveryScriptAndStyle()
    {
        var html = Html();
        var meta = PolicyMeta().Match(html);
        Assert.True(meta.Success, "no CSP meta element");
        Assert.True(meta.Index < html.IndexOf("<style>", StringComparison.Ordinal) && meta.Index < html.IndexOf("<script", StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyAllowsNoNetworkAndOnlyTheEmbeddedScriptAndStyle()
    {
        var html = Html();
        var directives = PolicyMeta().Match(html).Groups[1].Value.Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.Equal(["'none'"], directives["default-src"]);
        var scripts = InlineScript().Matches(html);
        var styles = InlineStyle().Matches(html);
        Assert.Single(scripts);
        Assert.Single(styles);
        Assert.Equal([Sha256(scripts[0].Groups[1].Value)], directives["script-src"]);
        Assert.Equal([Sha256(styles[0].Groups[1].Value)], directives["style-src"]);
        Assert.Equal(["data:", "blob:"], directives["img-src"]);
        var policy = PolicyMeta().Match(html).Groups[1].Value;
        foreach (var forbidden in new[] { "unsafe-inline", "unsafe-eval", "http:", "https:", "*", "'self'" })
            Assert.DoesNotContain(forbidden, policy, StringComparison.Ordinal);
        // Every other <script> is a JSON data block, which CSP does not run.
        Assert.All(Regex.Matches(html, "<script([^>]*)>").Where(m => m.Groups[1].Value.Length > 0),
            m => Assert.Contains("type=\"application/json\"", m.Groups[1].Value, StringComparison.Ordinal));
    }
}
