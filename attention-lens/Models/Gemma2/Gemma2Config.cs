using AttentionLens.Models.Gemma;

namespace AttentionLens.Models.Gemma2;

/// <summary>
/// <c>config.json</c> of Gemma 2 (configuration_gemma2.py): Gemma's fields with Gemma 2's defaults —
/// soft-caps 50 (attention) and 30 (final logits), a 4096-token window on the local layers,
/// query_pre_attn_scalar 256 — which apply when the file leaves a field out (an explicit null turns
/// soft-capping or the window off, as in transformers).
/// </summary>
public sealed record Gemma2Config : GemmaConfig
{
    public Gemma2Config()
    {
        HiddenSize = 2304;
        IntermediateSize = 9216;
        NumHiddenLayers = 26;
        NumAttentionHeads = 8;
        NumKeyValueHeads = 4;
        QueryPreAttnScalar = 256;
        SlidingWindow = 4096;
        AttnLogitSoftcapping = 50.0;
        FinalLogitSoftcapping = 30.0;
    }
}
