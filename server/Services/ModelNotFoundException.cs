namespace AttentionLens.Server.Services;

/// <summary>The model path or id does not exist.</summary>
public sealed class ModelNotFoundException : AttentionLensException
{
    public ModelNotFoundException(string path, string expected)
        : base($"No model at '{path}'. Expected {expected}. Check the path, or pick a model from attentionLens/listModels.", path)
    {
        Expected = expected;
    }

    /// <summary>What a model at this path should look like.</summary>
    public string Expected { get; }
}
