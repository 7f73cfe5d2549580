using System.Numerics.Tensors;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// One <see cref="IDifferentiableModel.Gradient"/> call over any <see cref="IDifferentiableBody"/>: the
/// forward (kept states), the head's backward into ∂y/∂(last hidden state), the body's backward, and the
/// result. Every family and task head runs through here, so the checks are in one place.
/// </summary>
internal static class GradientRunner
{
    /// <summary>A head's part: reads the body's last hidden state (T, C), returns y and writes ∂y/∂last into
    /// <c>dLast</c> (zeroed on entry).</summary>
    public delegate float HeadBackward(IKernels kernels, ReadOnlySpan<float> last, int tokens, Span<float> dLast);

    public static GradientResult Run(IDifferentiableBody body, IKernels modelKernels, ForwardInput input, GradientOptions? options,
        HeadBackward head, CancellationToken cancellationToken)
    {
        options ??= GradientOptions.Default;
        var kernels = modelKernels.WithThreads(options.Threads);
        if (input.Length == 0) throw new AttentionLensException("the input has no tokens.");
        if (options.PathInputsEmbeds is { } path)
        {
            if (options.AttentionGradients)
                throw new AttentionLensException("GradientOptions.PathInputsEmbeds gives ∂y/∂inputs_embeds only; set AttentionGradients = false.");
            if (path.Count == 0) throw new AttentionLensException("GradientOptions.PathInputsEmbeds is empty; give at least one (T, E) block.");
            foreach (var point in path) CheckEmbeds(body, input, point, "PathInputsEmbeds");
            var plain = options with { PathInputsEmbeds = null };
            return BatchedGradientRunner.RunPath(body, kernels, input, path, BatchedGradientRunner.BatchSize(body, input.Length, options, path.Count), head,
                point => Recompute(body, kernels, input, point, plain, head, cancellationToken), cancellationToken);
        }
        var embeds = options.InputsEmbeds ?? body.WordEmbeddings(input);
        CheckEmbeds(body, input, embeds, "InputsEmbeds");
        if (BatchedGradientRunner.BatchSize(body, input.Length, options, 1) > 0)
            return BatchedGradientRunner.RunOne((IBatchedDifferentiableBody)body, kernels, input, embeds, options.AttentionGradients, head, cancellationToken);
        return Recompute(body, kernels, input, embeds, options, head, cancellationToken);
    }

    private static void CheckEmbeds(IDifferentiableBody body, ForwardInput input, float[] embeds, string field)
    {
        int width = body.EmbeddingSize;
        if (embeds.Length != input.Length * width)
            throw new AttentionLensException($"GradientOptions.{field} has {embeds.Length} values; {input.Length} tokens × {width} channels need {input.Length * width}.");
        if (!float.IsFinite(TensorPrimitives.MaxMagnitude<float>(embeds)))
            throw new AttentionLensException($"GradientOptions.{field} holds NaN or Inf; give finite embeddings.");
    }

    /// <summary>The per-layer checkpointing path: an ordinary forward keeping the hidden states, each layer recomputed in the backward.</summary>
    private static GradientResult Recompute(IDifferentiableBody body, IKernels kernels, ForwardInput input, float[] embeds, GradientOptions options,
        HeadBackward head, CancellationToken cancellationToken)
    {
        var forward = body.ForwardKeep(input, embeds, options.Threads, cancellationToken);
        int t = forward.Tokens, c = forward.Hidden, layers = forward.Layers, heads = forward.Heads;
        var last = forward.HiddenStates.AsSpan(layers * t * c, t * c);
        var dLast = new float[t * c];
        float value = head(kernels, last, t, dLast);
        if (!float.IsFinite(value) || !float.IsFinite(TensorPrimitives.MaxMagnitude<float>(dLast)))
            throw new NonFiniteActivationException(layers - 1, "the target or its gradient at the head is not finite", "the output head's weights");
        var gradAttentions = options.AttentionGradients ? new float[checked(layers * heads * t * t)] : null;
        var dEmbeds = body.Backward(kernels, input, embeds, forward, dLast, gradAttentions, cancellationToken);
        return new GradientResult
        {
            Layers = layers, Heads = heads, Tokens = t, Hidden = c, Value = value,
            InputsEmbeds = embeds, GradInputsEmbeds = dEmbeds,
            Attentions = options.AttentionGradients ? forward.Attentions : null,
            GradAttentions = gradAttentions,
        };
    }

    /// <summary>
    /// <see cref="IDifferentiableModel.Gradient"/> of the causal LMs that are their own body (GPT-2, Llama): the
    /// target is one vocabulary logit (or log-probability, or difference) at <c>target.Position</c>, so the head's
    /// backward is <see cref="LinearRow"/> on that row alone. A bare body (GPT2Model, LlamaModel) has no lm_head.
    /// </summary>
    /// <param name="family">How the error names the checkpoint's family ("GPT-2", or the config's model_type).</param>
    public static GradientResult CausalLmHead(IDifferentiableBody body, IKernels modelKernels, Linear? lmHead, ModelInfo info, string family,
        ForwardInput input, GradientTarget target, GradientOptions? options, CancellationToken cancellationToken)
    {
        if (lmHead is null)
            throw new AttentionLensException($"this {family} checkpoint ({info.Architecture}) has no head, so there is no logit to differentiate; load one with an LM or task head.");
        TargetGradient.CheckOutput(target, info, GradientOutput.LmLogits);
        TargetGradient.CheckPosition(target.Position, input.Length);
        return Run(body, modelKernels, input, options,
            (kernels, last, tokens, dLast) => LinearRow(kernels, lmHead, last, target.Position, target, dLast, "vocabulary id"),
            cancellationToken);
    }

    /// <summary>Stops the backward pass at the first layer whose input gradient is not finite.</summary>
    public static void CheckLayer(ReadOnlySpan<float> dx, int layer)
    {
        if (!float.IsFinite(TensorPrimitives.MaxMagnitude<float>(dx)))
            throw new NonFiniteActivationException(layer, "the gradient with respect to the layer's input is not finite although its output's is",
                "this layer's weights (a value that overflows float32 in the backward pass)");
    }

    /// <summary>The (H, T, T) block of layer <paramref name="layer"/> in gradAttentions, or a scratch block.</summary>
    public static Span<float> LayerBlock(float[]? all, Span<float> scratch, int layer, int heads, int tokens) =>
        all is null ? scratch : all.AsSpan(layer * heads * tokens * tokens, heads * tokens * tokens);

    /// <summary>The LM-style head: z = head(last[row]) (one row), seeded; returns y and writes dLast[row].</summary>
    public static float LinearRow(IKernels kernels, Linear head, ReadOnlySpan<float> last, int row, GradientTarget target, Span<float> dLast,
        string what, float? finalSoftCap = null)
    {
        int c = head.InFeatures, n = head.OutFeatures;
        var z = new float[n];
        head.Forward(kernels, last.Slice(row * c, c), z, 1);
        var capped = z;
        if (finalSoftCap is float cap)
        {
            capped = (float[])z.Clone();
            SoftCap.Apply(capped, cap);
        }
        var dz = new float[n];
        float value = TargetGradient.Seed(capped, target.Index, target.ContrastIndex, target.LogProbability, what, dz);
        if (finalSoftCap is float cap2)
            for (int i = 0; i < n; i++)
            {
                double th = Math.Tanh(z[i] / (double)cap2);
                dz[i] = (float)(dz[i] * (1 - th * th));
            }
        head.Backward(kernels, dz, dLast.Slice(row * c, c), 1);
        return value;
    }

    /// <summary>A QA head qa_outputs (C → 2) over every row: z = column 0 (start) or 1 (end) over the positions.</summary>
    public static float QuestionAnswering(IKernels kernels, Linear qa, ReadOnlySpan<float> last, int tokens, GradientTarget target, Span<float> dLast)
    {
        var pair = new float[tokens * 2];
        qa.Forward(kernels, last, pair, tokens);
        int column = target.Output == GradientOutput.QaEndLogits ? 1 : 0;
        var z = new float[tokens];
        for (int i = 0; i < tokens; i++) z[i] = pair[2 * i + column];
        var dz = new float[tokens];
        float value = TargetGradient.Seed(z, target.Position, target.ContrastIndex, target.LogProbability, "position", dz);
        var dPair = new float[tokens * 2];
        for (int i = 0; i < tokens; i++) dPair[2 * i + column] = dz[i];
        qa.Backward(kernels, dPair, dLast, tokens);
        return value;
    }
}
