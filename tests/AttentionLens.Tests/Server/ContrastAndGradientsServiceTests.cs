using System.Text.Json;
using AttentionLens.Server.Cli;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>
/// The protocol side of the gradient methods and contrastive targets, through the service the server and the
/// CLI share: params.contrast (a label name or a vocabulary id) reaches the result's prediction, the gradient
/// details (integrated gradients' completeness gap) serialize through the source-generated context, the pad
/// baseline's token comes from the tokenizer, and bad values are refused naming the parameter.
/// </summary>
public class ContrastAndGradientsServiceTests
{
    private static string Demo(string name) => Path.Combine(SharedData.RepositoryRoot, "models", "demo", name);

    private static async Task<AnalyzeResult> Analyze(AnalysisRequest request) =>
        (await new CliAnalysis().Service.AnalyzeAsync(request, null, CancellationToken.None)).Result;

    [Fact]
    public async Task AContrastiveLanguageModelAnalysisNamesTheAlternativeAndReportsTheGradientDetails()
    {
        var plain = await Analyze(CliAnalysis.Request("the keys to the cabinet", Demo("gpt2"), null, "saliency"));
        var b = plain.Prediction!.Alternatives[1];
        var result = await Analyze(CliAnalysis.Request("the keys to the cabinet", Demo("gpt2"), null, "saliency,integratedGradients") with { Contrast = b.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(b.Index, result.Prediction!.Contrast!.Index);
        Assert.Equal(b.Label, result.Prediction.Contrast.Label);
        Assert.Equal(plain.Prediction.Index, result.Prediction.Index);
        Assert.Contains("rather than", result.Prediction.Description);
        var ig = result.Gradients!["integratedGradients"];
        Assert.Equal(32, ig.Steps);
        Assert.Equal("zero", ig.Baseline);
        Assert.NotNull(ig.CompletenessGap);
        Assert.Contains("rather than", result.Gradients["saliency"].Quantity);
        var json = JsonSerializer.Serialize(result, ProtocolJsonContext.Default.AnalyzeResult);
        Assert.Contains("\"completenessGap\"", json);
        Assert.Contains("\"contrast\"", json);
    }

    [Fact]
    public async Task AClassifierTakesTheContrastByLabelNameAndThePadBaselineFromItsTokenizer()
    {
        var result = await Analyze(CliAnalysis.Request("the farmer with the students laughed", Demo("bert-finetuned"), null, "integratedGradients") with
        {
            Label = "singular", Contrast = "plural", Options = new AnalyzeOptions { IgBaseline = "pad", IgSteps = 8 },
        });
        Assert.Equal("singular", result.Prediction!.Label);
        Assert.Equal("plural", result.Prediction.Contrast!.Label);
        Assert.Equal("pad", result.Gradients!["integratedGradients"].Baseline);
        Assert.Equal(8, result.Gradients["integratedGradients"].Steps);
    }

    [Theory]
    [InlineData("gpt2", null, "pad", null, "igBaseline")]
    [InlineData("gpt2", null, "bogus", null, "igBaseline")]
    [InlineData("gpt2", null, null, 0, "igSteps")]
    [InlineData("bert-finetuned", "neutral", null, null, "contrast")]
    public async Task BadValuesAreRefusedNamingTheParameter(string model, string? contrast, string? baseline, int? steps, string field)
    {
        var request = CliAnalysis.Request("the keys to the cabinet", Demo(model), null, "integratedGradients") with
        {
            Contrast = contrast, Options = new AnalyzeOptions { IgBaseline = baseline, IgSteps = steps },
        };
        var e = await Assert.ThrowsAsync<InvalidParamsException>(() => Analyze(request));
        Assert.Contains(field, e.Message);
    }
}
