using System.Text.Json;

namespace AttentionLens.Server.Services;

/// <summary>
/// The bytes a checkpoint's weights take on disk (model.safetensors, the shards an index names, or
/// pytorch_model.bin), following links as the Hugging Face cache lays them out (snapshot files are
/// links into <c>blobs/</c>), so a listing can show what loading would read.
/// </summary>
public static class CheckpointSize
{
    public static long? WeightBytes(string directory)
    {
        try
        {
            var single = Path.Combine(directory, "model.safetensors");
            if (File.Exists(single)) return Length(single);
            var index = Path.Combine(directory, "model.safetensors.index.json");
            if (File.Exists(index))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
                if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object) return null;
                long total = 0;
                foreach (var shard in map.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null).Distinct())
                    if (shard is not null && !shard.Contains("..") && File.Exists(Path.Combine(directory, shard))) total += Length(Path.Combine(directory, shard));
                return total;
            }
            var bin = Path.Combine(directory, "pytorch_model.bin");
            return File.Exists(bin) ? Length(bin) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static long Length(string file)
    {
        var info = new FileInfo(file);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target.Length : info.Length;
    }
}
