namespace AttentionLens.Models;

/// <summary>
/// Opens a Hugging Face checkpoint folder (config.json + weights) and builds the model for its
/// <c>model_type</c>. Throws <see cref="AttentionLensException"/> naming the file and the fault.
/// </summary>
public static class ModelLoader
{
    public static ITransformerModel Load(string directory) =>
        throw new NotImplementedException("ModelLoader is built by the engine work (issue 2).");
}
