namespace AttentionLens.Models;

/// <summary>
/// Per-call scratch buffers that the next kernel overwrites completely, so they need not be zeroed
/// (large activations would otherwise cost a memset each, per layer).
/// </summary>
internal static class Scratch
{
    public static float[] Uninitialized(int length) => GC.AllocateUninitializedArray<float>(length);
}
