namespace AttentionLens.Tests.Models;

/// <summary>
/// The decoder families and their task heads against transformers 4.48.0.dev0 (commit 9feae5fb0,
/// torch 1.13): every folder of tests/goldens/decoders, written by make_goldens.py there, on every
/// reference case it holds (single, random_long, batch_padding_right — causal LMs and task heads alike),
/// at atol 1e-4.
/// </summary>
public sealed class DecoderGoldenTests
{
    /// <summary>tests/goldens/decoders in the repository.</summary>
    public static string Root => Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Root).Select(Path.GetFileName).Order())
            foreach (var file in Directory.GetFiles(Path.Combine(Root, folder!, "reference"), "*.safetensors").Order())
                data.Add(folder!, Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void EveryFamilyHasGoldens()
    {
        // Guards the theory's data source: the folders make_goldens.py writes.
        var folders = Directory.GetDirectories(Root).Select(Path.GetFileName).ToHashSet();
        foreach (var family in new[] { "gpt_neox", "opt", "phi", "gemma", "gemma2", "phi3", "phi3_longrope", "mistral" })
            Assert.Contains(family, folders);
        // Every causal LM and every task head runs every case: 13 LMs and 25 heads, 3 cases each.
        foreach (var folder in folders)
        {
            var cases = Directory.GetFiles(Path.Combine(Root, folder!, "reference"), "*.safetensors")
                .Select(Path.GetFileNameWithoutExtension).Order();
            Assert.Equal(["batch_padding_right", "random_long", "single"], cases);
        }
        Assert.Equal((13 + 25) * 3, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesTransformers(string folder, string caseName) =>
        GoldenComparison.Check(Path.Combine(Root, folder), caseName, folder);
}
