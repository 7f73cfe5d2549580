namespace AttentionLens.Tensors;

/// <summary>An element-wise function applied a vector at a time (see <see cref="SimdKernels{TS,TV}.Map{TF}"/>).</summary>
internal interface IVectorFunction
{
    static abstract TV Apply<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct;
}
