using AttentionLens.Checkpoints;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>Builds altered copies of the golden checkpoints in temp folders (never in the repository).</summary>
internal static class CheckpointFixture
{
    /// <summary>Copies config.json of <paramref name="source"/> (edited by <paramref name="editConfig"/>) and
    /// rewrites its weights through <paramref name="editWeights"/> as one model.safetensors.</summary>
    public static void Copy(string source, TempDirectory target, Func<string, string>? editConfig = null,
        Action<Dictionary<string, (long[] Shape, float[] Data)>>? editWeights = null)
    {
        var config = File.ReadAllText(Path.Combine(source, "config.json"));
        File.WriteAllText(target.File("config.json"), editConfig is null ? config : editConfig(config));
        var store = WeightStore.Open(source);
        var tensors = new Dictionary<string, (long[] Shape, float[] Data)>();
        foreach (var name in store.Names)
        {
            var shape = store.ShapeOf(name)!;
            tensors[name] = (shape, store.Get(name, shape.Select(d => (int)d).ToArray()).ToArray());
        }
        editWeights?.Invoke(tensors);
        SafetensorsWriter.Write(target.File("model.safetensors"),
            tensors.Select(t => SafetensorsEntry.Float32(t.Key, t.Value.Shape, t.Value.Data)).ToList());
    }
}
