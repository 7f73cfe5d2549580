namespace AttentionLens.Server.Report;

/// <summary>
/// The report bundle built from client/src/report (the editor panels' views, D3 included), embedded
/// in this assembly so that `attention-lens demo` writes a working report on a machine without node
/// or network. The files under Report/Assets are generated: `node client/build.mjs` rewrites them and
/// the client tests fail when they differ from what the sources build to.
/// </summary>
internal static class ReportAssets
{
    private static readonly Lazy<string> ScriptText = new(() => Read("AttentionLens.Report.report.js"));
    private static readonly Lazy<string> StyleText = new(() => Read("AttentionLens.Report.report.css"));

    /// <summary>The bundle's JavaScript (an IIFE that finds the report's `.lens` elements).</summary>
    public static string Script => ScriptText.Value;

    /// <summary>The panels' stylesheet, with the theme variables a browser page lacks.</summary>
    public static string Style => StyleText.Value;

    private static readonly Lazy<string> PolicyText = new(() => string.Join("; ",
        "default-src 'none'",
        $"script-src '{Hash(Script)}'",
        $"style-src '{Hash(Style)}'",
        // The PNG export draws the SVG through an <img> from a blob/data URL, as in the panels.
        "img-src data: blob:",
        "base-uri 'none'",
        "form-action 'none'"));

    /// <summary>
    /// The report's Content-Security-Policy: nothing from the network (default-src 'none' also
    /// covers fetch, frames, fonts, workers), and inline only the one script and stylesheet the
    /// report embeds, each pinned by its SHA-256 (CSP Level 2 hash sources), so an element injected
    /// through escaped text could not run even if escaping failed. The embedded protocol JSON is a
    /// data block (type application/json), which CSP does not execute and so need not allow.
    /// </summary>
    public static string ContentSecurityPolicy => PolicyText.Value;

    /// <summary>A CSP hash source of <paramref name="inline"/>: SHA-256 of its UTF-8 bytes, base64.</summary>
    public static string Hash(string inline) =>
        "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(inline)));

    private static string Read(string name)
    {
        using var stream = typeof(ReportAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the server was built without its report bundle ({name}); build it with `dotnet build server` from a checkout holding server/Report/Assets.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        // Inlined into <script> and <style> elements: an end tag inside would cut them short.
        if (text.Contains("</script", StringComparison.OrdinalIgnoreCase) || text.Contains("</style", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{name} contains an end tag and cannot be inlined into an HTML report.");
        }

        return text;
    }
}
