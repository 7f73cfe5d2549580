namespace AttentionLens.Tensors;

/// <summary>An element-wise function applied a vector at a time (see <see cref="SimdKernels{TS,TV,TD}.Map{TF}"/>).</summary>
internal interface IVectorFunction
{
    static abstract TV Apply<TS, TV, TD>(TV x) where TS : struct, ISimd<TV, TD> where TV : struct where TD : struct;
}
