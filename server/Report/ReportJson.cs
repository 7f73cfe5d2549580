using System.Globalization;
using System.Text.Json;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Report;

/// <summary>
/// The data an HTML report embeds for the report bundle (client/src/report): per analysis exactly
/// the records attentionLens/analyze and attentionLens/attention return, per comparison the one
/// attentionLens/compare returns, mapped by the server's own mappers and written by the protocol's
/// source-generated <see cref="ProtocolJsonContext"/>. The bundle then reshapes them with the same
/// buildView the extension uses, so report and panels cannot disagree on what the data means.
/// </summary>
internal static class ReportJson
{
    /// <summary>
    /// L·H·T² attention values above which the per-head attention is left out of the report: at
    /// about 10 bytes of JSON per value this keeps it under ~2 MB (a 12-layer, 12-head model reaches
    /// it at 37 tokens), while the matrices every other drawing needs are only O(L·T) or O(T²).
    /// </summary>
    public const int MaxAttentionValues = 200_000;

    public static AnalyzeResult Analysis(ReportAnalysis a, string id)
    {
        ArgumentNullException.ThrowIfNull(a);
        var r = a.Result;
        var document = new TextDocument(a.Text ?? "", 1);
        var tokens = a.Tokens.Select((t, i) => new TokenDto(i, t.Id, t.Text, document.RangeOf(t.Source.Start, t.Source.End), t.IsSpecial)).ToArray();
        var m = a.Model;
        var model = new ModelDescriptor(a.Name, "", m?.Architecture ?? "", m?.ModelType ?? "", r.Layers, r.Heads, m?.ParameterCount ?? 0, m?.IsCausal ?? false);
        // Every per-layer matrix is included, as the extension asks for (options.layers): the Flow
        // Trace and Layer Graph drawings read them.
        var dto = AnalysisMapper.ToDto(id, model, tokens, r, byLayer: true, r.TimingsMs);
        return dto with { Prediction = a.PredictionDetail ?? (dto.Prediction is { Head: "causalLM" or "maskedLM" } ? null : dto.Prediction) };
    }

    /// <summary>The analysis's per-head attention as attentionLens/attention returns it for all layers, or
    /// null when the report does not hold it or it is larger than <see cref="MaxAttentionValues"/>.</summary>
    public static AttentionResult? Attention(ReportAnalysis a, string id)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Attentions is not { } all || all.Length > MaxAttentionValues)
        {
            return null;
        }

        var (layers, heads, n) = (a.Result.Layers, a.Result.Heads, a.Result.Tokens);
        if (all.Length != layers * heads * n * n)
        {
            throw new ArgumentException($"the per-head attention of '{a.Name}' has {all.Length} values, expected L·H·T² = {layers}·{heads}·{n}² = {layers * heads * n * n}.", nameof(a));
        }

        var matrices = new List<HeadMatrixDto>(layers * heads);
        for (var layer = 0; layer < layers; layer++)
        {
            for (var head = 0; head < heads; head++)
            {
                matrices.Add(new HeadMatrixDto(layer + 1, head, n, n, all.AsSpan((layer * heads + head) * n * n, n * n).ToArray()));
            }
        }

        return new AttentionResult(id, n, matrices);
    }

    /// <summary>What the Heads and Layer Graph drawings say when <see cref="Attention"/> is null.</summary>
    public static string AttentionNote(ReportAnalysis a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var r = a.Result;
        var values = a.Attentions?.LongLength ?? (long)r.Layers * r.Heads * r.Tokens * r.Tokens;
        return values > MaxAttentionValues
            ? string.Create(CultureInfo.InvariantCulture, $"Per-head attention ({values:N0} values) is too large to embed in a report; analyse the text in the editor to see the heads.")
            : "Per-head attention is not part of this report; analyse the text in the editor to see the heads.";
    }

    /// <summary>The comparison as attentionLens/compare returns it, or null when the report lacks its analyses.</summary>
    public static CompareResult? Comparison(ReportComparison c, string id)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Result is not { } result || c.AnalysisA is not { } a || c.AnalysisB is not { } b)
        {
            return null;
        }

        var document = new TextDocument(a.Text ?? "", 1);
        return new CompareResult(Analysis(a, id + "-a"), Analysis(b, id + "-b"), ComparisonBuilder.ToDto(result, document.RangeOf));
    }

    /// <summary>
    /// JSON for the inside of a &lt;script type="application/json"&gt; element. The context's default
    /// encoder already writes &lt; &gt; &amp; as \u003C \u003E \u0026, so no token text can close the
    /// element ("&lt;/script") or open a comment ("&lt;!--"); the replacement below keeps that true
    /// whatever encoder the options are given, and the report tests check it.
    /// </summary>
    public static string ForScript<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Serialize(value, type).Replace("<", "\\u003C", StringComparison.Ordinal);
}
