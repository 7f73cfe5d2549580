using System.IO.Compression;
using System.Text;
using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Tests.Checkpoints;

/// <summary>
/// pytorch_model.bin through the restricted unpickler. Malicious pickles are assembled here byte by
/// byte (GLOBAL / STACK_GLOBAL naming os.system, builtins.eval…); each must be refused, and the
/// command it would run (creating a marker file) must not have run.
/// </summary>
public sealed class TorchBinFileTests
{
    /// <summary>A torch-style zip: archive/data.pkl plus archive/data/&lt;key&gt; storages.</summary>
    private static string WriteZip(TempDirectory dir, byte[] pickle, params (string Key, byte[] Data)[] storages)
    {
        var path = dir.File("pytorch_model.bin");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle);
        foreach (var (key, data) in storages)
            using (var s = zip.CreateEntry("archive/data/" + key, CompressionLevel.NoCompression).Open()) s.Write(data);
        return path;
    }

    private static byte[] Bytes(params object[] parts)
    {
        var buffer = new List<byte>();
        foreach (var part in parts)
            switch (part)
            {
                case byte b: buffer.Add(b); break;
                case char c: buffer.Add((byte)c); break;
                case string s: buffer.AddRange(Encoding.UTF8.GetBytes(s)); break;
                case byte[] a: buffer.AddRange(a); break;
            }
        return buffer.ToArray();
    }

    private static byte[] BinUnicode(string s) => Bytes((byte)'X', BitConverter.GetBytes(Encoding.UTF8.GetByteCount(s)), s);

    /// <summary>{ "w": _rebuild_tensor_v2(storage('0', FloatStorage, numel), offset, (size,), (stride,), False, OrderedDict()) }</summary>
    private static byte[] StateDictPickle(int numel, int offset, int size) => Bytes(
        (byte)0x80, (byte)2, (byte)'}', (byte)'(', BinUnicode("w"),
        (byte)'c', "torch._utils\n_rebuild_tensor_v2\n",
        (byte)'(', (byte)'(', BinUnicode("storage"), (byte)'c', "torch\nFloatStorage\n", BinUnicode("0"), BinUnicode("cpu"), (byte)'K', (byte)numel, (byte)'t',
        (byte)'Q', (byte)'K', (byte)offset, (byte)'K', (byte)size, (byte)0x85, (byte)'K', (byte)1, (byte)0x85, (byte)0x89,
        (byte)'c', "collections\nOrderedDict\n", (byte)')', (byte)'R', (byte)'t', (byte)'R',
        (byte)'u', (byte)'.');

    [Fact]
    public void ReadsAStateDict()
    {
        using var dir = new TempDirectory();
        var storage = new float[] { 9, 1, 2, 3 }.SelectMany(BitConverter.GetBytes).ToArray();
        var file = TorchBinFile.Open(WriteZip(dir, StateDictPickle(4, 1, 3), ("0", storage)));
        Assert.Equal([1f, 2f, 3f], file.ReadFloat32("w"));
    }

    [Fact]
    public void ViewOutsideItsStorageIsRefused()
    {
        using var dir = new TempDirectory();
        var storage = new byte[16];
        var path = WriteZip(dir, StateDictPickle(4, 2, 3), ("0", storage));
        var e = Assert.Throws<CheckpointException>(() => TorchBinFile.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("out of range", e.Message);
    }

    [Fact]
    public void MissingStorageBytesAreRefused()
    {
        using var dir = new TempDirectory();
        var path = WriteZip(dir, StateDictPickle(4, 0, 4), ("0", new byte[8]));
        var e = Assert.Throws<CheckpointException>(() => TorchBinFile.Open(path));
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("GLOBAL")]
    [InlineData("STACK_GLOBAL")]
    [InlineData("GLOBAL_NESTED")]
    public void PickleNamingAnotherGlobalIsRefusedWithoutExecution(string form)
    {
        using var dir = new TempDirectory();
        var marker = dir.File("pwned");
        var command = BinUnicode("touch " + marker);
        byte[] pickle = form switch
        {
            // os.system("touch marker")
            "GLOBAL" => Bytes((byte)0x80, (byte)2, (byte)'c', "os\nsystem\n", command, (byte)0x85, (byte)'R', (byte)'.'),
            // builtins.eval via protocol 4's STACK_GLOBAL
            "STACK_GLOBAL" => Bytes((byte)0x80, (byte)4, BinUnicode("builtins"), BinUnicode("eval"), (byte)0x93,
                BinUnicode($"__import__('os').system('touch {marker}')"), (byte)0x85, (byte)'R', (byte)'.'),
            // an allowed-looking state dict whose value is posix.system(...)
            _ => Bytes((byte)0x80, (byte)2, (byte)'}', BinUnicode("w"), (byte)'c', "posix\nsystem\n", command, (byte)0x85, (byte)'R', (byte)'s', (byte)'.'),
        };
        var path = WriteZip(dir, pickle);
        var e = Assert.Throws<CheckpointException>(() => TorchBinFile.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("refused", e.Message);
        Assert.Matches("'(os|builtins|posix)\\.(system|eval)'", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void ObjectBuildingOpcodesAreRefused()
    {
        using var dir = new TempDirectory();
        // INST 'i': instantiate a class named inline, another way to run code.
        var path = WriteZip(dir, Bytes((byte)0x80, (byte)2, (byte)'(', BinUnicode("x"), (byte)'i', "os\nsystem\n", (byte)'.'));
        var e = Assert.Throws<CheckpointException>(() => TorchBinFile.Open(path));
        Assert.Contains("not allowed", e.Message);
    }

    [Fact]
    public void NotAZipIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("pytorch_model.bin");
        File.WriteAllBytes(path, [0x80, 2, (byte)'}', (byte)'.']);
        var e = Assert.Throws<CheckpointException>(() => TorchBinFile.Open(path));
        Assert.Contains("not a zip archive", e.Message);
    }

    [Fact]
    public void RobertaBinLoadsLikeItsSafetensorsTwin()
    {
        var bin = WeightStore.Open(SharedData.Path("golden", "hf", "roberta_bin"));
        var safe = WeightStore.Open(SharedData.Path("golden", "hf", "roberta"));
        Assert.Equal(safe.Names.Order(), bin.Names.Order());
        var name = "encoder.layer.1.attention.self.query.weight";
        Assert.Equal(safe.Get(name, [32, 32]).ToArray(), bin.Get(name, [32, 32]).ToArray());
    }
}
