using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tests.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// docs/methods.md's architecture column, enforced on every tiny golden model (each family × task
/// head under tests/goldens/encoders and tests/goldens/decoders): ALTI, GlobEnc and value zeroing run
/// on every post-norm encoder and head, value zeroing also on every decoder and head but Gemma 2's and
/// OPT's with project_out,
/// information-flow routes on every decoder and head except
/// post-norm OPT; elsewhere each says why not. Their numbers are checked against the authors' code by
/// <see cref="AuthorGoldenTests"/> and <see cref="RoutesGoldenTests"/>; this checks that the captures
/// reach the methods through every head (a head that dropped them would make the method unavailable).
/// </summary>
public sealed class MethodCoverageTests
{
    private static readonly string[] EncoderMethods = ["alti", "globenc", "valueZeroing"];

    /// <summary>Value zeroing runs on every decoder family and head but Gemma 2's and OPT's with project_out
    /// (word_embed_proj_dim ≠ hidden_size), where inseq gives no reference (docs/methods.md#valuezeroing).</summary>
    private static bool HasValueZeroing(string dir)
    {
        if (Path.GetFileName(dir).StartsWith("gemma2", StringComparison.Ordinal)) return false;
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json")));
        var root = config.RootElement;
        return root.GetProperty("model_type").GetString() != "opt"
            || !root.TryGetProperty("word_embed_proj_dim", out var projected)
            || projected.GetInt32() == root.GetProperty("hidden_size").GetInt32();
    }

    /// <summary>Post-norm OPT (do_layer_norm_before = false): its layers normalise the residual stream
    /// itself, so routes have nothing to decompose.</summary>
    private static bool WithoutResidualStream(string dir)
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json")));
        var root = config.RootElement;
        return root.GetProperty("model_type").GetString() == "opt"
            && root.TryGetProperty("do_layer_norm_before", out var before) && before.ValueKind == System.Text.Json.JsonValueKind.False;
    }

    public static TheoryData<string> Models() => GoldenModelFolders.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void EachMethodRunsWhereTheDocsSay(string dir)
    {
        var model = ModelLoader.Load(dir);
        var name = Path.GetFileName(dir);
        int[] ids = [2, 17, 41, 9, 33, 12, 3];
        var methods = EncoderMethods.Append("routes").Select(m => new AnalysisMethod(m)).ToHashSet();
        int target = model.Info.IsCausal ? ids.Length - 1 : 1;
        var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = methods, Target = target });
        bool encoder = !model.Info.IsCausal;
        foreach (var method in EncoderMethods)
        {
            if (encoder || method == "valueZeroing" && HasValueZeroing(dir))
            {
                Assert.False(result.Unavailable.ContainsKey(method), $"{name}: {method} unavailable: {result.Unavailable.GetValueOrDefault(method)}");
                var s = result.Scores[method];
                Assert.Equal(ids.Length, s.Length);
                Assert.All(s, v => Assert.True(double.IsFinite(v) && v >= 0, $"{name}: {method} gave {v}"));
                Assert.InRange(s.Sum(), 1 - 1e-9, 1 + 1e-9);
            }
            else Assert.Contains("encoder", result.Unavailable[method]);
        }
        if (encoder || WithoutResidualStream(dir))
        {
            Assert.Null(result.Routes);
            Assert.Contains("residual stream", result.Unavailable["routes"]);
        }
        else
        {
            Assert.False(result.Unavailable.ContainsKey("routes"), $"{name}: routes unavailable: {result.Unavailable.GetValueOrDefault("routes")}");
            var routes = result.Routes!;
            // The pruned graph ends at the target's output state and every weight is a share in (τ, 1].
            Assert.Contains(routes.Edges, e => e.To == new RouteNode(RouteNodeKind.AfterFfn, model.Info.Layers - 1, target));
            Assert.All(routes.Edges, e => Assert.InRange(e.Weight, routes.Threshold, 1 + 1e-9));
        }
    }
}
