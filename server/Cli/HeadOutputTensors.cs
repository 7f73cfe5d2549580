using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// A forward result's head outputs under transformers' output names and batch-free shapes:
/// <c>logits</c> [T, V] for LM heads, [num_labels] for sequence classification, [T, num_labels] for
/// token classification ([T] for ElectraForPreTraining, whose discriminator logits transformers
/// squeezes), and <c>start_logits</c> / <c>end_logits</c> [T] for extractive QA.
/// </summary>
internal static class HeadOutputTensors
{
    public static IEnumerable<SafetensorsEntry> For(ModelInfo info, ForwardResult result)
    {
        int t = result.Tokens;
        if (result.Logits is { } lm)
            yield return SafetensorsEntry.Float32("logits", [t, info.VocabSize], lm);
        if (result.ClassifierLogits is { } sequence)
            yield return SafetensorsEntry.Float32("logits", [sequence.Length], sequence);
        if (result.TokenClassifierLogits is { } token)
        {
            int labels = token.Length / t;
            yield return info.Architecture == "ElectraForPreTraining" && labels == 1
                ? SafetensorsEntry.Float32("logits", [t], token)
                : SafetensorsEntry.Float32("logits", [t, labels], token);
        }
        if (result.StartLogits is { } start)
            yield return SafetensorsEntry.Float32("start_logits", [t], start);
        if (result.EndLogits is { } end)
            yield return SafetensorsEntry.Float32("end_logits", [t], end);
    }
}
