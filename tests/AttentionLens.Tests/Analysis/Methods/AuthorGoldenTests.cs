using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// ALTI, GlobEnc and value zeroing against what the AUTHORS' code computes on the same checkpoints
/// and ids (tests/goldens/methods/*.json, written by make_goldens.py there, which runs
/// mt-upc/transformer-contributions, mohsenfayyaz/GlobEnc and hmohebbi/ValueZeroing read-only).
/// Each golden holds the authors' rolled-out (L, T, T) matrices; every target row after every layer
/// is compared. Tolerance 1e-5 absolute on normalised scores; GlobEnc's unnormalised products are
/// compared relative to the row's largest entry (1e-5). DeBERTa-v2's GlobEnc and value zeroing, which
/// the authors' BERT-only code cannot run, come from make_definitions.py (their definitions applied to
/// transformers' DeBERTa modules; *.definition.json), checked the same way.
/// </summary>
public class AuthorGoldenTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var golden in new[] { "alti", "globenc", "valueZeroing", "globenc.definition", "valueZeroing.definition" })
            foreach (var name in MethodGoldens.CaseNames(golden))
                data.Add(golden, name);
        return data;
    }

    /// <param name="golden">The golden file's name: the method, or the method + ".definition".</param>
    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheAuthorsCode(string golden, string caseName)
    {
        var method = golden.Split('.')[0];
        var c = MethodGoldens.Case(golden, caseName);
        var model = MethodGoldens.LoadModel(c);
        var ids = MethodGoldens.Ids(c);
        var input = new ForwardInput(ids);
        int T = ids.Length;
        var rollout = c.GetProperty("rollout");
        bool perLayer = rollout[0].ValueKind == JsonValueKind.Array && rollout[0][0].ValueKind == JsonValueKind.Array;
        var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new(method) } };
        var forward = model.Forward(input, Analyzer.ForwardOptionsFor(options));
        // Value zeroing costs L·T passes per target: check the first, a middle and the last target.
        var targets = method == "valueZeroing" ? new[] { 0, T / 2, T - 1 } : Enumerable.Range(0, T).ToArray();
        double worst = 0;
        string where = "";
        foreach (var target in targets)
        {
            var result = Analyzer.AnalyzeForward(model, input, forward, options with { Target = target });
            Assert.False(result.Unavailable.ContainsKey(method), result.Unavailable.GetValueOrDefault(method));
            if (perLayer)
            {
                var byLayer = result.ScoresByLayer[method];
                for (int l = 0; l < byLayer.Rows; l++)
                    for (int j = 0; j < T; j++)
                    {
                        double d = Math.Abs(byLayer[l, j] - rollout[l][target][j].GetDouble());
                        if (d > worst) (worst, where) = (d, $"layer {l + 1}, target {target}, token {j}");
                    }
            }
            else
            {
                // GlobEnc: the authors return the final unnormalised (T, T) product.
                var raw = result.GlobEnc!.Raw;
                var expected = Enumerable.Range(0, T).Select(j => rollout[target][j].GetDouble()).ToArray();
                double scale = expected.Max(Math.Abs);
                for (int j = 0; j < T; j++)
                {
                    double d = Math.Abs(raw[j] - expected[j]) / scale;
                    if (d > worst) (worst, where) = (d, $"target {target}, token {j} (relative to {scale:G4})");
                }
                double sum = expected.Sum();
                for (int j = 0; j < T; j++)
                    Assert.InRange(Math.Abs(result.Scores[method][j] - expected[j] / sum), 0, Tolerance);
            }
        }
        Assert.True(worst <= Tolerance, $"{method} on {caseName}: worst difference {worst:G3} at {where} (tolerance {Tolerance})");
    }

    /// <summary>The goldens span every post-norm encoder family for every method, and the demo BERTs (a
    /// regenerated golden that silently dropped one would otherwise pass): the authors' code where it runs,
    /// the definition script for DeBERTa-v2's GlobEnc and value zeroing.</summary>
    [Theory]
    [InlineData("alti", "bert roberta distilbert xlm-roberta electra albert deberta-v2 deberta-v2-variant demo-bert-finetuned demo-bert-pretrained")]
    [InlineData("globenc", "bert roberta distilbert xlm-roberta electra albert demo-bert-finetuned demo-bert-pretrained")]
    [InlineData("valueZeroing", "bert roberta distilbert xlm-roberta electra albert demo-bert-finetuned demo-bert-pretrained")]
    [InlineData("globenc.definition", "deberta-v2 deberta-v2-variant")]
    [InlineData("valueZeroing.definition", "deberta-v2 deberta-v2-variant")]
    public void GoldensCoverEveryEncoderFamily(string golden, string names)
    {
        var cases = MethodGoldens.Root(golden).GetProperty("cases");
        foreach (var name in names.Split(' '))
            Assert.True(cases.TryGetProperty(name, out _), $"{golden} golden lacks {name}");
    }
}
