namespace AttentionLens.Checkpoints;

/// <summary>
/// A checkpoint (weights file, index, config) that cannot be used as it is. The message names the
/// file and the fault; <see cref="AttentionLensException.Path"/> is the file.
/// </summary>
public sealed class CheckpointException : AttentionLensException
{
    public CheckpointException(string path, string fault, Exception? inner = null)
        : base($"{path}: {fault}", path, inner)
    {
    }
}
