using System.Diagnostics;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>Our methods: listModels, analyze, attention, compare, serverStats.</summary>
internal sealed partial class LanguageServer
{
    private void RegisterAttentionLens()
    {
        connection.OnRequest(Methods.ListModels, c => c.ListModelsParams,
            (p, _) => Task.Run<ListModelsResult?>(() => new ListModelsResult(service.ListModels(p.WorkspaceFolders))), () => new ListModelsParams());
        connection.OnRequest(Methods.Analyze, c => c.AnalyzeParams, Analyze);
        connection.OnRequest(Methods.Attention, c => c.AttentionParams,
            async (p, ct) => (AttentionResult?)await service.AttentionAsync(p, ct).ConfigureAwait(false));
        connection.OnRequest(Methods.Compare, c => c.CompareParams, Compare);
        connection.OnRequest(Methods.ServerStats, c => c.ServerStatsParams,
            (_, _) => Task.FromResult<ServerStatsResult?>(Stats()), () => new ServerStatsParams());
    }

    private async Task<AnalyzeResult?> Analyze(AnalyzeParams p, CancellationToken ct)
    {
        var doc = documents.Get(p.TextDocument.Uri);
        var range = ParamsValidator.AnalysisRange(doc, p.Range);
        ParamsValidator.Methods(p.Methods);
        ParamsValidator.Options(p.Options);
        if (p.TargetPosition is { } targetPosition) ParamsValidator.Position(targetPosition, "targetPosition");
        var contextRange = p.ContextRange is { } context ? ParamsValidator.AnalysisRange(doc, context, "contextRange") : (Protocol.Range?)null;
        var request = new AnalysisRequest(p.TextDocument.Uri, doc, range, p.Model, p.Target, p.Methods, p.Options)
        {
            TargetPosition = p.TargetPosition, Label = p.Label, Contrast = p.Contrast, QaEnd = p.QaEnd ?? false, ContextRange = contextRange,
            Continuation = p.Continuation,
        };
        var progress = await WorkDoneProgress.BeginAsync(connection, p.WorkDoneToken, clientCreatesProgress, $"Attention Lens: analysing with {p.Model}", ct).ConfigureAwait(false);
        try
        {
            var (result, _) = await service.AnalyzeAsync(request, progress.ReportAsync, ct).ConfigureAwait(false);
            await progress.EndAsync($"{result.Tokens.Count} tokens in {result.Timings["total"]:F0} ms").ConfigureAwait(false);
            return result;
        }
        catch (Exception e)
        {
            await progress.EndAsync(ct.IsCancellationRequested ? "cancelled" : "failed").ConfigureAwait(false);
            if (!ct.IsCancellationRequested) log.Warning($"analyze {p.Model}: {e.Message}");
            throw;
        }
    }

    private async Task<CompareResult?> Compare(CompareParams p, CancellationToken ct)
    {
        var doc = documents.Get(p.TextDocument.Uri);
        var range = ParamsValidator.AnalysisRange(doc, p.Range);
        ParamsValidator.Methods(p.Methods);
        ParamsValidator.Options(p.Options);
        var progress = await WorkDoneProgress.BeginAsync(connection, p.WorkDoneToken, clientCreatesProgress, $"Attention Lens: comparing {p.ModelA} and {p.ModelB}", ct).ConfigureAwait(false);
        try
        {
            var a = await service.AnalyzeAsync(new AnalysisRequest(p.TextDocument.Uri, doc, range, p.ModelA, p.Target, p.Methods, p.Options) { TargetPosition = p.TargetPosition },
                (m, pct) => progress.ReportAsync("A: " + m, pct / 2), ct).ConfigureAwait(false);
            var b = await service.AnalyzeAsync(new AnalysisRequest(p.TextDocument.Uri, doc, range, p.ModelB, p.Target, p.Methods, p.Options) { TargetPosition = p.TargetPosition },
                (m, pct) => progress.ReportAsync("B: " + m, 50 + pct / 2), ct).ConfigureAwait(false);
            await progress.EndAsync("compared").ConfigureAwait(false);
            return new CompareResult(a.Result, b.Result, ComparisonBuilder.Compare(a.Stored, b.Stored, doc));
        }
        catch
        {
            await progress.EndAsync(ct.IsCancellationRequested ? "cancelled" : "failed").ConfigureAwait(false);
            throw;
        }
    }

    private ServerStatsResult Stats()
    {
        var (rss, peak) = ProcessMemory.Read();
        return new ServerStatsResult(rss, peak, GC.GetTotalMemory(false), settings.BudgetBytes, service.Cache.CachedBytes,
            service.Cache.LoadedPaths, service.Store.Count, connection.ActiveRequests, service.Cache.HeldBytes);
    }
}
