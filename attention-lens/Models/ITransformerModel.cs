namespace AttentionLens.Models;

/// <summary>
/// A loaded checkpoint that can run a forward pass on one sequence (batch 1, the product's case).
/// Implementations are immutable after loading and safe to call from several threads at once:
/// scratch memory belongs to each call, never to the model.
/// </summary>
public interface ITransformerModel
{
    ModelInfo Info { get; }

    /// <summary>Runs the model; checks <paramref name="cancellationToken"/> at least once per layer.</summary>
    ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default);
}
