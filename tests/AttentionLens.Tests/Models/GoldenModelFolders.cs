namespace AttentionLens.Tests.Models;

/// <summary>
/// Every tiny golden model folder (tests/goldens/encoders then tests/goldens/decoders, each in name order): one
/// per family × head, written by the reference scripts. The analysis tests run each of them through the
/// analyzer, so a new golden family is covered there without editing those tests.
/// </summary>
public static class GoldenModelFolders
{
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var root in new[] { EncoderGoldenTests.Root, DecoderGoldenTests.Root })
            foreach (var dir in Directory.GetDirectories(root).Order())
                data.Add(dir);
        return data;
    }
}
