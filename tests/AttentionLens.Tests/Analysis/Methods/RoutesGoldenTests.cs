using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// Information-flow routes against the authors' LLM Transparency Tool (routes/contributions.py and
/// routes/graph.py run read-only by tests/goldens/methods/make_routes.py on transformers' GPT-2 and
/// LLaMA): the same set of pruned edges, node names as the tool writes them (X0_t, A{l}_t, M{l}_t,
/// I{l}_t), and every weight within 1e-4. The reference runs in float64; the remaining difference
/// is our float32 forward pass: a weight is ‖y‖₁ − ‖y − part‖₁ over sums of like-sized norms, which
/// turns the forward's ~1e-6 relative error in y into up to ~5e-5 (stories260K, layer 0) — the
/// contribution code itself is computed in double and the edge sets agree exactly.
/// </summary>
public class RoutesGoldenTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Cases() => MethodGoldens.Cases("routes");

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTheAuthorsToolsGraph(string caseName)
    {
        var doc = MethodGoldens.Root("routes");
        var c = MethodGoldens.Case("routes", caseName);
        var model = MethodGoldens.LoadModel(c);
        var input = new ForwardInput(MethodGoldens.Ids(c));
        var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("routes") }, RoutesThreshold = doc.GetProperty("threshold").GetDouble() };
        var forward = model.Forward(input, Analyzer.ForwardOptionsFor(options));
        foreach (var t in c.GetProperty("targets").EnumerateObject())
        {
            int target = int.Parse(t.Name);
            var routes = Analyzer.AnalyzeForward(model, input, forward, options with { Target = target }).Routes!;
            var expected = t.Value.EnumerateArray().ToDictionary(e => (e[0].GetString()!, e[1].GetString()!), e => e[2].GetDouble());
            var got = routes.Edges.ToDictionary(e => (Name(e.From), Name(e.To)), e => e.Weight);
            var missing = expected.Keys.Except(got.Keys).ToList();
            var extra = got.Keys.Except(expected.Keys).ToList();
            Assert.True(missing.Count == 0 && extra.Count == 0,
                $"{caseName} target {target}: missing {string.Join(", ", missing)}; extra {string.Join(", ", extra)}");
            var worst = expected.Select(p => (Diff: Math.Abs(got[p.Key] - p.Value), p.Key)).MaxBy(x => x.Diff);
            Assert.True(worst.Diff <= Tolerance, $"{caseName} target {target}: worst weight difference {worst.Diff:G3} on {worst.Key} (tolerance {Tolerance})");
        }
    }

    [Fact]
    public void EncodersReportRoutesUnavailable()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        var result = Analyzer.Analyze(model, new ForwardInput([2, 66, 37, 3]), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("routes") } });
        Assert.Null(result.Routes);
        Assert.Contains("residual stream", result.Unavailable["routes"]);
    }

    /// <summary>The tool's node names.</summary>
    private static string Name(RouteNode n) => n.Kind switch
    {
        RouteNodeKind.Token => $"X0_{n.Position}",
        RouteNodeKind.AfterAttention => $"A{n.Layer}_{n.Position}",
        RouteNodeKind.Ffn => $"M{n.Layer}_{n.Position}",
        _ => $"I{n.Layer}_{n.Position}",
    };
}
