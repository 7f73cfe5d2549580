using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>random:&lt;preset&gt;?seed=N&amp;tokenizer=DIR model ids (benchmarks of standard sizes).</summary>
public class RandomModelSpecTests
{
    [Fact]
    public void ParsesPresetSeedAndTokenizerIntoACanonicalId()
    {
        var dir = Directory.CreateTempSubdirectory("al-tok-").FullName;
        try
        {
            var spec = RandomModelSpec.Parse($"random:bert-base?tokenizer={dir}&seed=7");
            Assert.Equal(("bert-base", 7, dir), (spec.Preset, spec.Seed, spec.TokenizerDirectory));
            Assert.Equal($"random:bert-base?seed=7&tokenizer={dir}", spec.ToString());
            Assert.Equal(spec, RandomModelSpec.Parse(spec.ToString()));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Theory]
    [InlineData("random:bert-base", "needs a tokenizer folder")]
    [InlineData("random:?tokenizer=/tmp", "name a preset")]
    [InlineData("random:gpt2?seed=x&tokenizer=/tmp", "malformed 'seed=x'")]
    [InlineData("random:gpt2?colour=red&tokenizer=/tmp", "unknown or malformed 'colour=red'")]
    public void RefusesIncompleteOrMalformedIds(string id, string message)
    {
        var e = Assert.Throws<InvalidParamsException>(() => RandomModelSpec.Parse(id));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AMissingTokenizerFolderIsModelNotFoundWithThePath()
    {
        var e = Assert.Throws<ModelNotFoundException>(() => RandomModelSpec.Parse("random:gpt2?tokenizer=/nonexistent/tok"));
        Assert.Equal("/nonexistent/tok", e.Path);
    }
}
