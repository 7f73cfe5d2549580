using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>attentionLens/generate: continue a selection with a causal LM, with work-done progress per
/// token and $/cancelRequest checked per token and layer.</summary>
internal sealed partial class LanguageServer
{
    private GenerationService? generation;

    private GenerationService Generation => generation ??= new GenerationService(service.Backend, service.Registry, service.Cache, () => settings.Current);

    private void RegisterGenerate() => connection.OnRequest(Methods.Generate, c => c.GenerateParams, Generate);

    private async Task<GenerateResult?> Generate(GenerateParams p, CancellationToken ct)
    {
        var doc = documents.Get(p.TextDocument.Uri);
        var range = ParamsValidator.AnalysisRange(doc, p.Range);
        // Checked before the model loads, so a bad option costs nothing.
        GenerationService.Options(p, settings.Current.Generation);
        var progress = await WorkDoneProgress.BeginAsync(connection, p.WorkDoneToken, clientCreatesProgress, $"Attention Lens: continuing with {p.Model}", ct).ConfigureAwait(false);
        try
        {
            var result = await Generation.GenerateAsync(doc, range, p.Model, p, progress.ReportAsync, ct).ConfigureAwait(false);
            await progress.EndAsync($"{result.Tokens.Count} tokens in {result.Timings["total"]:F0} ms").ConfigureAwait(false);
            return result;
        }
        catch (Exception e)
        {
            await progress.EndAsync(ct.IsCancellationRequested ? "cancelled" : "failed").ConfigureAwait(false);
            if (!ct.IsCancellationRequested) log.Warning($"generate {p.Model}: {e.Message}");
            throw;
        }
    }
}
