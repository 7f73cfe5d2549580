namespace AttentionLens.Tests;

public class SharedDataTests
{
    [Fact]
    public void SharedFolderIsFound() =>
        Assert.True(File.Exists(SharedData.Path("README.md")), "shared/README.md missing at " + SharedData.Root);
}
