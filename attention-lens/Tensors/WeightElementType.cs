namespace AttentionLens.Tensors;

/// <summary>How a weight's elements are stored. Models compute in float32 whatever the storage:
/// 16-bit weights are widened exactly (every bfloat16 and every IEEE half is a float32) where the
/// kernels read them, so a bf16 checkpoint costs its file size in memory rather than twice that.</summary>
public enum WeightElementType
{
    Float32,
    /// <summary>bfloat16: the top 16 bits of a float32 (widening is a 16-bit shift).</summary>
    BFloat16,
    /// <summary>IEEE 754 binary16.</summary>
    Float16,
}
