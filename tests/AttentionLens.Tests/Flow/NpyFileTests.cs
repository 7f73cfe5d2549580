using System.Text;
using AttentionLens.Checkpoints;

namespace AttentionLens.Tests.Flow;

public sealed class NpyFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("al-npy").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void ReadsTheReferenceFiles()
    {
        var f = NpyFile.Read(SharedData.Path("golden", "flow", "n8", "attention.npy"));
        Assert.Equal(new[] { 12, 12, 8, 8 }, f.Shape);
        Assert.Equal("<f8", f.DType);
        Assert.Equal(1.0, f.Data.AsSpan(0, 8).ToArray().Sum(), 12);
    }

    [Fact]
    public void RoundTripsEveryWrittenType()
    {
        var p = Path.Combine(dir, "a.npy");
        NpyFile.WriteFloat64(p, [1.5, -2, 3e-300], 3);
        Assert.Equal(new[] { 1.5, -2, 3e-300 }, NpyFile.Read(p).Data);
        Assert.Equal(new[] { 3 }, NpyFile.Read(p).Shape);
        NpyFile.WriteFloat32(p, [1.5f, 2.25f, 3, 4], 2, 2);
        Assert.Equal("<f4", NpyFile.Read(p).DType);
        Assert.Equal(new[] { 2, 2 }, NpyFile.Read(p).Shape);
        Assert.Equal(new[] { 1.5, 2.25, 3, 4 }, NpyFile.Read(p).Data);
        NpyFile.WriteInt32(p, [7, -8], 1, 2);
        Assert.Equal(new double[] { 7, -8 }, NpyFile.Read(p).Data);
        // numpy aligns the data to 64 bytes.
        Assert.Equal(0, (new FileInfo(p).Length - 8) % 64);
    }

    [Theory]
    [InlineData(">f8", "False", "dtype '>f8' is not supported")]
    [InlineData("<c16", "False", "dtype '<c16'")]
    [InlineData("<f8", "True", "Fortran order")]
    public void RefusesWhatItCannotRead(string descr, string fortran, string message)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': (1,), }}".PadRight(117) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[16]);
        var e = Assert.Throws<AttentionLensException>(() => NpyFile.Parse(bytes.ToArray(), "bad.npy"));
        Assert.Contains(message, e.Message);
        Assert.Contains("bad.npy", e.Message);
    }

    [Fact]
    public void RefusesTruncatedData()
    {
        var p = Path.Combine(dir, "t.npy");
        NpyFile.WriteFloat64(p, [1, 2, 3, 4], 4);
        var bytes = File.ReadAllBytes(p);
        Assert.Contains("data bytes", Assert.Throws<AttentionLensException>(() => NpyFile.Parse(bytes.AsSpan(0, bytes.Length - 8), "t.npy")).Message);
        Assert.Contains("magic", Assert.Throws<AttentionLensException>(() => NpyFile.Parse("hello world!"u8, "t.npy")).Message);
    }

    [Fact]
    public void RefusesAShapeThatDoesNotMatchTheData() =>
        Assert.Throws<AttentionLensException>(() => NpyFile.WriteFloat64(Path.Combine(dir, "s.npy"), [1, 2, 3], 2, 2));
}
