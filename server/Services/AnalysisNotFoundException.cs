namespace AttentionLens.Server.Services;

/// <summary>An analysis id the server does not keep (never made, or evicted).</summary>
public sealed class AnalysisNotFoundException : AttentionLensException
{
    public AnalysisNotFoundException(string analysisId)
        : base($"No analysis '{analysisId}': it was never made or has been evicted. Run attentionLens/analyze again.")
    {
    }
}
