using AttentionLens.Demo;

namespace AttentionLens.Tests.Demo;

public class HeldOutSetTests
{
    [Fact]
    public void BundledSetHasTwoHundredLabelledSentencesPerTask()
    {
        var set = HeldOutSet.Load(DemoModels.Locate().HeldOut);
        Assert.Equal(["singular", "plural"], set.Labels);
        Assert.True(set.Classification.Count >= 200, $"{set.Classification.Count} classification sentences");
        Assert.True(set.Agreement.Count >= 200, $"{set.Agreement.Count} agreement sentences");
        foreach (var s in set.Classification)
        {
            // The classification task's answer is in the subject noun only: the verb is number-neutral.
            Assert.Equal("past", s.Tense);
            Assert.Equal(s.VerbSingular, s.VerbPlural);
            Assert.NotNull(s.Attractor);
        }

        foreach (var s in set.Agreement)
        {
            Assert.Equal("present", s.Tense);
            Assert.NotEqual(s.VerbSingular, s.VerbPlural);
            Assert.Equal(s.AgreeingVerb, s.Words[s.Verb]);
        }

        // Both numbers and both attractor kinds occur, and attractors disagree with the subject often.
        Assert.Contains(set.Classification, s => s.Number == "singular");
        Assert.Contains(set.Classification, s => s.Number == "plural");
        Assert.Contains(set.Classification, s => s.Structure == "pp");
        Assert.Contains(set.Classification, s => s.Structure == "rc");
        Assert.InRange(set.Classification.Count(s => s.AttractorNumber != s.Number) / (double)set.Classification.Count, 0.3, 0.7);
    }

    [Fact]
    public void FaultyEntryIsReportedWithFileAndIndex()
    {
        var path = Path.Combine(Path.GetTempPath(), $"heldout-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"labels": ["singular", "plural"],
             "classification": [{"text": "the key fell", "words": ["the", "key", "fell"], "subject": 1, "verb": 7,
                                 "number": "singular", "attractor": null, "attractor_number": null, "structure": "simple",
                                 "tense": "past", "verb_singular": "fell", "verb_plural": "fell"}],
             "agreement": []}
            """);
        try
        {
            var e = Assert.Throws<AttentionLensException>(() => HeldOutSet.Load(path));
            Assert.Contains("classification[0]", e.Message);
            Assert.Contains("'verb' 7", e.Message);
            Assert.Equal(path, e.Path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFileAndBadJsonAreDomainErrors()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");
        Assert.Contains("not found", Assert.Throws<AttentionLensException>(() => HeldOutSet.Load(missing)).Message);
        var bad = Path.Combine(Path.GetTempPath(), $"heldout-json-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{\"labels\": [");
        try
        {
            Assert.Contains("not valid", Assert.Throws<AttentionLensException>(() => HeldOutSet.Load(bad)).Message);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void LocateRefusesAFolderWithoutTheModels()
    {
        var e = Assert.Throws<AttentionLensException>(() => DemoModels.Locate(Path.GetTempPath()));
        Assert.Contains("does not hold the demo models", e.Message);
    }
}
