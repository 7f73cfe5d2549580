namespace AttentionLens.Analysis;

using AttentionLens.Models;

/// <summary>
/// Where models and flow meet: runs the forward pass and every requested method for one target.
/// </summary>
public static class Analyzer
{
    /// <summary>Runs <paramref name="model"/> on <paramref name="input"/> and analyses its attention.</summary>
    public static AnalysisResult Analyze(ITransformerModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("Analyzer is built by the flow work (issue 4).");
}
