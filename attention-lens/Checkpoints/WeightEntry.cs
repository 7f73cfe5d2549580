namespace AttentionLens.Checkpoints;

/// <summary>One named tensor a <see cref="WeightStore"/> can provide: where it is, its shape, how to
/// read it as float32, and how to read it as stored (<paramref name="LoadData"/>; null: as float32).</summary>
internal sealed record WeightEntry(string Name, long[] Shape, string File, Func<ReadOnlyMemory<float>> Load, Func<Tensors.WeightData>? LoadData = null);
