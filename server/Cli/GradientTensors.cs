using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `forward --grad-target N`: the <see cref="GradientTarget"/> the options name and the tensors of its
/// backward pass — grad_inputs_embeds (F32 [T, C]) and grad_attentions (F32 [L, H, T, T]).
/// </summary>
internal static class GradientTensors
{
    /// <summary>
    /// The target of the model's head at position <paramref name="position"/>: the logit of
    /// <paramref name="token"/> (a vocabulary id, or a label for classifiers), or A − B for a contrast, or by
    /// default the forward's prediction there (argmax). Sequence classifiers ignore the position; QA heads
    /// read the start (or, with <paramref name="qaEnd"/>, end) logit at the position.
    /// </summary>
    public static GradientTarget Target(ModelInfo info, ForwardResult result, int position, int? token, (int A, int B)? contrast, bool qaEnd)
    {
        if (token is not null && contrast is not null) throw new AttentionLensException("give at most one of --grad-token and --grad-contrast.");
        if ((uint)position >= (uint)result.Tokens)
            throw new AttentionLensException($"--grad-target {position} is outside the {result.Tokens} tokens of the input (0..{result.Tokens - 1}).");
        if (qaEnd && info.Head != ModelHead.QuestionAnswering) throw new AttentionLensException("--grad-qa-end applies to question-answering heads only.");
        (GradientOutput output, ReadOnlyMemory<float> row) = info.Head switch
        {
            ModelHead.CausalLM or ModelHead.MaskedLM => (GradientOutput.LmLogits, result.LogitsAt(position).ToArray()),
            ModelHead.SequenceClassification => (GradientOutput.ClassifierLogits, result.ClassifierLogits!),
            ModelHead.TokenClassification => (GradientOutput.TokenClassifierLogits, TokenRow(result, position)),
            ModelHead.QuestionAnswering => (qaEnd ? GradientOutput.QaEndLogits : GradientOutput.QaStartLogits, ReadOnlyMemory<float>.Empty),
            _ => throw new AttentionLensException($"{info.Architecture} has no head, so --grad-target has no logit to differentiate; use a checkpoint with an LM or task head."),
        };
        if (output is GradientOutput.QaStartLogits or GradientOutput.QaEndLogits)
        {
            if (token is not null) throw new AttentionLensException("a QA head's target is the start or end logit at --grad-target; --grad-token does not apply.");
            return new GradientTarget(output, position, 0, contrast?.B);
        }
        if (contrast is { } pair) return new GradientTarget(output, position, pair.A, pair.B);
        return new GradientTarget(output, position, token ?? ArgMax(row.Span));
    }

    public static IEnumerable<SafetensorsEntry> For(GradientResult g)
    {
        yield return SafetensorsEntry.Float32("grad_inputs_embeds", [g.Tokens, g.EmbeddingSize], g.GradInputsEmbeds);
        yield return SafetensorsEntry.Float32("grad_attentions", [g.Layers, g.Heads, g.Tokens, g.Tokens], g.GradAttentions!);
    }

    /// <summary>"A,B" of --grad-contrast.</summary>
    public static (int A, int B)? ParseContrast(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], out int a) || !int.TryParse(parts[1], out int b) || a < 0 || b < 0)
            throw new AttentionLensException($"--grad-contrast: '{text}' is not two non-negative ids A,B (why A rather than B), e.g. 318,389.");
        return (a, b);
    }

    private static ReadOnlyMemory<float> TokenRow(ForwardResult result, int position)
    {
        var all = result.TokenClassifierLogits!;
        int labels = all.Length / result.Tokens;
        return all.AsMemory(position * labels, labels);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }
}
