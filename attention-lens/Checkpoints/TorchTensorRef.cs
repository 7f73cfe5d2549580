namespace AttentionLens.Checkpoints;

/// <summary>A storage of a torch zip checkpoint: <c>data/&lt;Key&gt;</c>, <paramref name="ElementCount"/> elements of <paramref name="DType"/>.</summary>
public sealed record TorchStorageRef(string Key, SafetensorsDType DType, long ElementCount);

/// <summary>A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage.</summary>
public sealed record TorchTensorRef(TorchStorageRef Storage, long Offset, long[] Shape, long[] Stride)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => checked(a * d));
}
