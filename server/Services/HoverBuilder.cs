using System.Globalization;
using System.Text;
using AttentionLens.Analysis;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>
/// The hover card of an analysed token: its score and rank for the analysis target under the
/// chosen method, and the heads that carry most of its traced influence. A head's share is its
/// part of I_1(w) = Σ_l α^(L−l) c_l(w) (docs/methods.md §6): each traced edge into w
/// in layer l and head h adds α^(L−l) to that head.
/// </summary>
public static class HoverBuilder
{
    private const int TopHeads = 3;

    public static Hover? Build(StoredAnalysis analysis, int offset, string? preferredMethod)
    {
        var index = -1;
        for (var i = 0; i < analysis.TokenOffsets.Count; i++)
        {
            var (s, e) = analysis.TokenOffsets[i];
            if (!analysis.Tokens[i].Special && s <= offset && offset < e) { index = i; break; }
        }
        if (index < 0) return null;

        var r = analysis.Result;
        var method = preferredMethod is null ? AnalysisMethod.Influence : MethodNames.Parse(preferredMethod, "attentionLens.hoverMethod");
        var scores = r.ScoresFor(method);
        if (scores is null)
        {
            method = AnalysisMethod.Rollout;
            scores = r.ScoresFor(method)!;
        }
        var token = analysis.Tokens[index];
        var rank = 1 + scores.Count(s => s > scores[index]);
        var target = analysis.Tokens[r.Target];
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"**`{Escape(token.Text)}`** — token {index} of {analysis.Tokens.Count} (id {token.Id}), model `{Escape(analysis.ModelId)}`\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{MethodNames.Name(method)} score for target **`{Escape(target.Text)}`** (token {r.Target}): **{scores[index]:G4}**, rank {rank} of {scores.Length}\n\n");
        if (analysis.Prediction is { } p)
        {
            md.Append(CultureInfo.InvariantCulture, $"Explains {Escape(PredictionDescription.Describe(p))}\n\n");
            if (p.TokenLabels is { } labels && index < labels.Count && !token.Special)
                md.Append(CultureInfo.InvariantCulture, $"Predicted label of this token: **{Escape(labels[index].Label)}** ({labels[index].Probability:P1})\n\n");
        }
        md.Append(HeadsLine(r, index, analysis.Options.Alpha));
        return new Hover(new MarkupContent("markdown", md.ToString()), token.Range);
    }

    /// <summary>The heads carrying most of token <paramref name="index"/>'s influence, with their shares.</summary>
    public static IReadOnlyList<(int Layer, int Head, double Share)> TopInfluenceHeads(AnalysisResult r, int index, double alpha)
    {
        if (r.Influence is null) return [];
        var byHead = new Dictionary<(int, int), double>();
        foreach (var e in r.Influence.Edges)
        {
            if (e.To != index) continue;
            byHead[(e.Layer, e.Head)] = byHead.GetValueOrDefault((e.Layer, e.Head)) + Math.Pow(alpha, r.Layers - e.Layer);
        }
        var sum = byHead.Values.Sum();
        return byHead.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(TopHeads)
            .Select(p => (p.Key.Item1, p.Key.Item2, sum > 0 ? p.Value / sum : 0)).ToArray();
    }

    private static string HeadsLine(AnalysisResult r, int index, double alpha)
    {
        if (r.Influence is null) return "_Heads: run with the influence method to see which heads carry this token._";
        var heads = TopInfluenceHeads(r, index, alpha);
        if (heads.Count == 0) return "_No traced edge reaches this token (no head attends to it above τ on a traced path)._";
        return "Heads carrying most of it: " + string.Join(", ",
            heads.Select(h => string.Create(CultureInfo.InvariantCulture, $"L{h.Layer}·H{h.Head} ({h.Share * 100:F0}%)")));
    }

    private static string Escape(string s) => s.Replace("`", "ˋ").Replace("\n", "\\n");
}
