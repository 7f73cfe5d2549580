using System.Numerics.Tensors;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// <see cref="GradientRunner"/>'s path for bodies with kept intermediates (<see cref="IBatchedDifferentiableBody"/>):
/// one forward over b sequences keeping every layer's tape, the head per sequence, one backward from the tapes —
/// two forward-equivalents per sequence instead of per-layer checkpointing's three, and GEMMs over b·T rows. The
/// batch size comes from <see cref="GradientOptions.KeptActivationsBudgetBytes"/>; when one sequence's tape does not
/// fit, the caller falls back to the recompute path one sequence at a time.
/// </summary>
internal static class BatchedGradientRunner
{
    /// <summary>
    /// Sequences per pass for <paramref name="points"/> inputs of T tokens: 0 when the body has no taped path or one
    /// sequence's kept floats exceed the budget (recompute), else min(budget / one sequence, MaxBatch, points).
    /// </summary>
    public static int BatchSize(IDifferentiableBody body, int tokens, GradientOptions options, int points)
    {
        if (body is not IBatchedDifferentiableBody taped || !taped.KeepsIntermediates || options.KeptActivationsBudgetBytes <= 0) return 0;
        long perSequence = Math.Max(1, taped.KeptFloatsPerSequence(tokens) * sizeof(float));
        long fit = options.KeptActivationsBudgetBytes / perSequence;
        return (int)Math.Min(fit, Math.Min(Math.Max(1, options.MaxBatch), points));
    }

    /// <summary>One sequence with its tape (<see cref="IDifferentiableModel.Gradient"/> when the budget allows).</summary>
    public static GradientResult RunOne(IBatchedDifferentiableBody body, IKernels kernels, ForwardInput input, float[] embeds, bool attentionGradients,
        GradientRunner.HeadBackward head, CancellationToken cancellationToken)
    {
        var info = body.Info;
        int t = input.Length;
        var gradAttentions = attentionGradients ? new float[checked(info.Layers * info.Heads * t * t)] : null;
        var (values, dEmbeds, tape) = Pass(body, kernels, input, [embeds], new TapeArena(), gradAttentions, head, cancellationToken);
        return new GradientResult
        {
            Layers = info.Layers, Heads = info.Heads, Tokens = t, Hidden = tape.Hidden, Value = values[0],
            InputsEmbeds = embeds, GradInputsEmbeds = dEmbeds,
            Attentions = tape.Attentions, GradAttentions = gradAttentions, BatchSize = 1,
        };
    }

    /// <summary><see cref="GradientOptions.PathInputsEmbeds"/>: every point's y and ∂y/∂inputs_embeds, b at a time
    /// with tapes, or one at a time through <paramref name="recompute"/> when <paramref name="batch"/> is 0.</summary>
    public static GradientResult RunPath(IDifferentiableBody body, IKernels kernels, ForwardInput input, IReadOnlyList<float[]> path, int batch,
        GradientRunner.HeadBackward head, Func<float[], GradientResult> recompute, CancellationToken cancellationToken)
    {
        var info = body.Info;
        int t = input.Length, e = body.EmbeddingSize, hidden = info.HiddenSize;
        var points = new GradientPoint[path.Count];
        if (batch == 0)
        {
            for (int i = 0; i < path.Count; i++)
            {
                var r = recompute(path[i]);
                points[i] = new GradientPoint(r.Value, r.GradInputsEmbeds);
                hidden = r.Hidden;
            }
        }
        else
        {
            var taped = (IBatchedDifferentiableBody)body;
            var arena = new TapeArena();
            for (int start = 0; start < path.Count; start += batch)
            {
                int b = Math.Min(batch, path.Count - start);
                var chunk = new float[b][];
                for (int s = 0; s < b; s++) chunk[s] = path[start + s];
                arena.Reset();
                var (values, dEmbeds, tape) = Pass(taped, kernels, input, chunk, arena, null, head, cancellationToken);
                hidden = tape.Hidden;
                for (int s = 0; s < b; s++) points[start + s] = new GradientPoint(values[s], dEmbeds.AsSpan(s * t * e, t * e).ToArray());
            }
        }
        return new GradientResult
        {
            Layers = info.Layers, Heads = info.Heads, Tokens = t, Hidden = hidden, Value = points[0].Value,
            InputsEmbeds = path[0], GradInputsEmbeds = points[0].GradInputsEmbeds, Points = points, BatchSize = Math.Min(batch, path.Count),
        };
    }

    private static (float[] Values, float[] DEmbeds, BatchTape Tape) Pass(IBatchedDifferentiableBody body, IKernels kernels, ForwardInput input,
        IReadOnlyList<float[]> embeds, TapeArena arena, float[]? gradAttentions, GradientRunner.HeadBackward head, CancellationToken cancellationToken)
    {
        var tape = body.ForwardBatch(kernels, input, embeds, arena, gradAttentions is not null, cancellationToken);
        int t = tape.Tokens, n = t * tape.Hidden, b = embeds.Count;
        var dLast = new float[b * n];
        var values = new float[b];
        for (int s = 0; s < b; s++)
        {
            var d = dLast.AsSpan(s * n, n);
            values[s] = head(kernels, tape.Last.AsSpan(s * n, n), t, d);
            if (!float.IsFinite(values[s]) || !float.IsFinite(TensorPrimitives.MaxMagnitude<float>(d)))
                throw new NonFiniteActivationException(body.Info.Layers - 1, "the target or its gradient at the head is not finite", "the output head's weights");
        }
        var dEmbeds = body.BackwardBatch(kernels, input, embeds, tape, dLast, gradAttentions, cancellationToken);
        return (values, dEmbeds, tape);
    }
}
