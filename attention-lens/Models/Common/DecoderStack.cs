namespace AttentionLens.Models;

/// <summary>Writes the embedding output, hidden state 0, of one sequence (T, C).</summary>
public delegate void EmbedForward(Span<float> embeddings);

/// <summary>Runs decoder layer <paramref name="layer"/> from <paramref name="x"/> into <paramref name="y"/> (T, C each),
/// writing its attention probabilities (H, T, T), when non-empty its value outputs (H, T, C), and when
/// <paramref name="stream"/> is given its residual state after attention (and attention gains, if any); with
/// <paramref name="zeroValueToken"/> ≥ 0, that token's value vectors zeroed in every head (value zeroing).</summary>
public delegate void LayerForward(int layer, ReadOnlySpan<float> x, Span<float> y, Span<float> probs, Span<float> valueOutputs, ResidualStream? stream, int zeroValueToken);

/// <summary>The final norm, from the last layer's output <paramref name="x"/> into <paramref name="y"/> (T, C).</summary>
public delegate void NormForward(ReadOnlySpan<float> x, Span<float> y);

/// <summary>
/// The loop every decoder body shares (modeling_llama.py LlamaModel.forward and its copies):
/// hidden state 0 is the embedding output, layer l writes hidden state l + 1, and the last hidden
/// state is the final norm of the last layer's output, as transformers returns them
/// (all_hidden_states gets the final norm's output in place of the last layer's).
/// </summary>
public static class DecoderStack
{
    /// <summary>Checks the length against the model's positions and runs the stack into a new trace.</summary>
    /// <param name="hasResidualStream">False where the layers normalise the stream itself (post-norm OPT): no
    /// <see cref="ResidualStream"/> is captured then, whatever the options ask.</param>
    public static ForwardResult Run(ModelInfo info, ForwardInput input, ForwardOptions options, CancellationToken cancellationToken,
        EmbedForward embed, LayerForward layer, NormForward? finalNorm, string positionsField = "max_position_embeddings", bool hasResidualStream = true)
    {
        int t = input.Length, c = info.HiddenSize;
        if (t == 0) throw new AttentionLensException("the input has no tokens.");
        if (t > info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {info.MaxPositions} ({positionsField}).");
        if (input.AttentionMask is { } mask && mask.Length != t)
            throw new AttentionLensException($"attention mask has {mask.Length} entries for {t} input ids; give one per token.");
        int first = options.ResumeFrom?.Layer ?? 0, last = Math.Min(options.StopAfterLayer ?? info.Layers - 1, info.Layers - 1);
        var trace = new ForwardTrace(info.Layers, info.Heads, t, c, options)
        {
            ResidualStream = options.CaptureResidualStream && hasResidualStream ? new ResidualStream(info.Layers, t, c) : null,
            ZeroValue = options.ZeroValue,
            FirstLayer = first,
            LastLayer = last,
        };
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing): the embeddings are not needed.
            if (resume.Layer < 0 || resume.Layer >= info.Layers || resume.Hidden.Length < t * c)
                throw new AttentionLensException($"ResumeFrom: layer {resume.Layer} with {resume.Hidden.Length} values does not fit this model ({info.Layers} layers, {t} × {c} states).");
            resume.Hidden.AsSpan(0, t * c).CopyTo(trace.HiddenState(first));
        }
        else embed(trace.HiddenState(0));
        using var lastBuffer = new Scratch(t * c);
        for (int l = first; l <= last; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool isLast = l + 1 == info.Layers;
            var output = isLast && finalNorm is not null ? lastBuffer.Span : trace.HiddenState(l + 1);
            layer(l, trace.HiddenState(l), output, trace.LayerAttention(l), trace.LayerValueOutputs(l), trace.ResidualStream, trace.ZeroValueToken(l));
            if (trace.ResidualStream is { } kept) output.CopyTo(kept.Post(l));
        }
        // Stopped early: the states after layer `last` are undefined.
        if (last == info.Layers - 1) finalNorm?.Invoke(lastBuffer.Span, trace.HiddenState(info.Layers));
        return trace.ToResult();
    }
}
