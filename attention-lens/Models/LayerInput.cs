namespace AttentionLens.Models;

/// <summary>The input of layer <paramref name="Layer"/> (0-based): its (T × C) hidden state, from an earlier pass.</summary>
public sealed record LayerInput(int Layer, float[] Hidden);
