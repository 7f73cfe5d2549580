namespace AttentionLens.Models;

/// <summary>
/// The body of an encoder (BertModel, ElectraModel, AlbertModel, DebertaV2Model…): embeddings and
/// layers, without a head. Task heads (<see cref="Heads.EncoderWithHead"/>) read its last hidden state.
/// </summary>
public interface IEncoderBody
{
    ModelInfo Info { get; }

    /// <summary>Embeddings and layers; the trace's last hidden state is the sequence output.</summary>
    ForwardTrace Run(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken);
}
