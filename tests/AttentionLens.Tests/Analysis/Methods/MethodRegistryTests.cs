using System.Text.RegularExpressions;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// The method registry is the one list of methods: every entry is named in the client's method list
/// (client/src/protocol.ts), in docs/protocol.md and docs/methods.md, and the server advertises exactly
/// the registry plus faithfulness. Adding a method is one class and one registry line; this test then
/// says which of the other places still lacks it.
/// </summary>
public partial class MethodRegistryTests
{
    [Fact]
    public void RegistryMatchesTheProtocolTheClientAndTheDocs()
    {
        var names = MethodRegistry.All.Select(m => m.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var root = SharedData.RepositoryRoot;
        var protocolTs = File.ReadAllText(Path.Combine(root, "client", "src", "protocol.ts"));
        var clientList = ClientList().Match(protocolTs);
        Assert.True(clientList.Success, "analysisMethodNames not found in client/src/protocol.ts");
        var client = Regex.Matches(clientList.Groups[1].Value, "'([A-Za-z]+)'").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal([.. names, "faithfulness"], client);
        Assert.Equal([.. names, "faithfulness"], AttentionLens.Server.Services.MethodNames.All);

        var protocolMd = File.ReadAllText(Path.Combine(root, "docs", "protocol.md"));
        var methodsMd = File.ReadAllText(Path.Combine(root, "docs", "methods.md"));
        var missing = names.Where(n => !protocolMd.Contains($"`{n}`")).Select(n => $"docs/protocol.md lacks `{n}`")
            .Concat(names.Where(n => !methodsMd.Contains($"<a id=\"{n.ToLowerInvariant()}\"></a>")).Select(n => $"docs/methods.md lacks a section anchored {n.ToLowerInvariant()}"))
            .ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void EveryMethodHasALabelAndNeedsWhatItReads()
    {
        foreach (var m in MethodRegistry.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(m.Label));
            Assert.Equal(m, MethodRegistry.Get(new AnalysisMethod(m.Name)));
        }
        var options = Analyzer.ForwardOptionsFor(new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("alti") } });
        Assert.True(options.CaptureValueOutputs && options.CapturePostNormTerms);
        Assert.False(Analyzer.ForwardOptionsFor(new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Flow } }).CaptureValueOutputs);
    }

    [Fact]
    public void AnUnknownMethodIsRefusedNamingTheKnownOnes()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        var e = Assert.Throws<AnalysisException>(() => Analyzer.Analyze(model, new ForwardInput([2, 66, 3]), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("nope") } }));
        Assert.Contains("alti", e.Message);
    }

    [Fact]
    public void DecodersReportEncoderOnlyMethodsUnavailableAndStillRunTheRest()
    {
        // Gemma 2: a decoder without value zeroing (docs/methods.md#valuezeroing).
        var model = ModelLoader.Load(Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders", "gemma2"));
        var result = Analyzer.Analyze(model, new ForwardInput([5, 9, 11, 3]),
            new AnalysisOptions { Methods = MethodRegistry.All.Select(m => new AnalysisMethod(m.Name)).ToHashSet() });
        // The gradient methods run where the model has a backward pass (IDifferentiableModel), else are unavailable.
        string[] gradients = ["attentionXGradient", "gradRollout", "inputXGradient", "integratedGradients", "saliency"];
        bool differentiable = Gradients.IsDifferentiable(model);
        Assert.Equal(((string[])["alti", "globenc", "valueZeroing", .. differentiable ? [] : gradients]).Order(), result.Unavailable.Keys.Order());
        Assert.Equal(((string[])["attention", "flow", "influence", "rollout", "valueNorms", .. differentiable ? gradients : []]).Order(), result.Scores.Keys.Order());
        Assert.NotNull(result.LogitLens);
        Assert.NotNull(result.Routes);
    }

    [GeneratedRegex(@"analysisMethodNames:[^=]*=\s*\[([^\]]*)\]")]
    private static partial Regex ClientList();
}
