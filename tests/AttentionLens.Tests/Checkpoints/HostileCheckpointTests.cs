using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Encoding = System.Text.Encoding;
using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Checkpoints;

/// <summary>
/// The hostile inputs of issue 14, one by one (the fuzz suite in Fuzz/ covers them at random):
/// each is refused with an <see cref="AttentionLensException"/> naming the file and the fault,
/// without hanging and without allocating what a forged size asks for.
/// </summary>
public sealed class HostileCheckpointTests
{
    private static byte[] Safetensors(string header, int dataBytes = 0)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static T Refused<T>(Func<object?> load, string path, string fault) where T : AttentionLensException
    {
        var e = Assert.ThrowsAny<T>(() => load());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(fault, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void InvalidUtf8InASafetensorsHeaderIsNamed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        var bytes = Safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\xff\":{}}", 4);
        // Encoding.UTF8 wrote U+00FF as two bytes; put a lone 0xFF in its place.
        int at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at] = 0xFF;
        bytes[at + 1] = (byte)' ';
        File.WriteAllBytes(path, bytes);
        Refused<CheckpointException>(() => SafetensorsFile.Open(path), path, "not valid UTF-8");
    }

    [Fact]
    public void LoneSurrogateEscapeInASafetensorsHeaderIsNamed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        File.WriteAllBytes(path, Safetensors("{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        Refused<CheckpointException>(() => SafetensorsFile.Open(path), path, "not valid Unicode");
    }

    [Theory]
    [InlineData("[1152921504606846976, 2]", "[0, 4]", "shape/size mismatch")]
    [InlineData("[9223372036854775807, 2]", "[0, 4]", "overflows")]
    [InlineData("[1]", "[0, 9223372036854775807]", "outside the data section")]
    [InlineData("[1]", "[-4, 0]", "outside the data section")]
    [InlineData("[1]", "[8, 4]", "outside the data section")]
    public void ForgedSafetensorsSizesAndOffsetsAreRefused(string shape, string offsets, string fault)
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        File.WriteAllBytes(path, Safetensors($"{{\"w\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":{offsets}}}}}", 4));
        Refused<CheckpointException>(() => SafetensorsFile.Open(path), path, fault);
    }

    [Fact]
    public void TruncatedSafetensorsIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.safetensors");
        var whole = File.ReadAllBytes(SharedData.Path("golden", "hf", "bert", "model.safetensors"));
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        Refused<CheckpointException>(() => SafetensorsFile.Open(path), path, "truncated");
    }

    [Fact]
    public void DeviceFifoAndFolderAreRefusedWithoutOpeningThem()
    {
        using var dir = new TempDirectory();
        var device = dir.File("device.safetensors");
        File.CreateSymbolicLink(device, "/dev/zero");
        var fifo = dir.File("fifo.safetensors");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var folder = dir.File("folder.safetensors");
        Directory.CreateDirectory(folder);
        // Each would block (FIFO) or never end (/dev/zero) if it were opened and read.
        var all = Task.Run(() =>
        {
            Refused<CheckpointException>(() => SafetensorsFile.Open(device), device, "not a regular file");
            Refused<CheckpointException>(() => SafetensorsFile.Open(fifo), fifo, "not a regular file");
            Refused<CheckpointException>(() => SafetensorsFile.Open(folder), folder, "is a folder");
            Refused<CheckpointException>(() => TorchBinFile.Open(fifo), fifo, "not a regular file");
            Refused<AttentionLensException>(() => NpyFile.Read("/dev/zero"), "/dev/zero", "not a regular file");
            Refused<AttentionLensException>(() => NpyFile.Read(fifo), fifo, "not a regular file");
            File.Move(fifo, dir.File("tokenizer.json"));
            Refused<TokenizerException>(() => TokenizerLoader.Load(dir.File("tokenizer.json")), "tokenizer.json", "not a regular file");
        });
        Assert.True(all.Wait(TimeSpan.FromSeconds(20)), "a load blocked on a device or FIFO");
    }

    /// <summary>
    /// The Hugging Face hub cache stores snapshots as links to blobs; the size checked must be the
    /// target's (the link's own size, a few dozen bytes, read as "truncated" before CheckpointFile).
    /// </summary>
    [Fact]
    public void SymlinkedWeightsAsInTheHubCacheLoad()
    {
        using var dir = new TempDirectory();
        var golden = SharedData.Path("golden", "hf", "gpt2");
        File.CreateSymbolicLink(dir.File("config.json"), Path.Combine(golden, "config.json"));
        File.CreateSymbolicLink(dir.File("model.safetensors"), Path.Combine(golden, "model.safetensors"));
        Assert.Equal("gpt2", ModelLoader.Load(dir.Path).Info.ModelType);
        File.Delete(dir.File("model.safetensors"));
        File.CreateSymbolicLink(dir.File("model.safetensors"), dir.File("missing-blob"));
        Refused<CheckpointException>(() => ModelLoader.Load(dir.Path), "missing-blob", "does not exist");
    }

    /// <summary>vocab.txt as a FIFO blocked the loader forever; tokenizer.model linked to /dev/zero was read into gigabytes.</summary>
    [Theory]
    [InlineData("bert", "vocab.txt")]
    [InlineData("llama", "tokenizer.model")]
    [InlineData("gpt2", "merges.txt")]
    public void TokenizerFilesThatAreDevicesOrFifosAreRefused(string golden, string file)
    {
        foreach (var kind in new[] { "fifo", "device" })
        {
            using var dir = new TempDirectory();
            foreach (var f in Directory.GetFiles(SharedData.Path("golden", "hf", golden)).Where(f => Path.GetFileName(f) != file && !f.EndsWith(".safetensors", StringComparison.Ordinal)))
                File.Copy(f, dir.File(Path.GetFileName(f)));
            if (kind == "device") File.CreateSymbolicLink(dir.File(file), "/dev/zero");
            else using (var mkfifo = Process.Start("mkfifo", dir.File(file))) mkfifo.WaitForExit();
            var load = Task.Run(() => Refused<TokenizerException>(() => TokenizerLoader.Load(dir.Path), file, "not a regular file"));
            Assert.True(load.Wait(TimeSpan.FromSeconds(20)), $"{file} as a {kind} blocked the tokenizer loader");
        }
    }

    [Fact]
    public void ConfigThatIsADeviceOrFolderIsRefused()
    {
        using var dir = new TempDirectory();
        File.CreateSymbolicLink(dir.File("config.json"), "/dev/zero");
        Refused<CheckpointException>(() => ModelLoader.Load(dir.Path), "config.json", "not a regular file");
        File.Delete(dir.File("config.json"));
        Directory.CreateDirectory(dir.File("config.json"));
        Refused<CheckpointException>(() => ModelLoader.Load(dir.Path), "config.json", "is a folder");
    }

    [Fact]
    public void NulInAModelPathIsNamed()
    {
        Refused<CheckpointException>(() => ModelLoader.Load("/tmp/model\0name"), "/tmp/model\\0name", "NUL");
        Refused<CheckpointException>(() => CheckpointFile.Check("weights\0.bin"), "weights\\0.bin", "NUL");
        Assert.ThrowsAny<AttentionLensException>(() => TokenizerLoader.Load("/tmp/tok\0enizer"));
    }

    [Theory]
    [InlineData("(1073741824, 1073741824)", "needs more data bytes")]
    [InlineData("(2147483647, 2147483647, 2147483647)", "needs more data bytes")]
    [InlineData("(99999999999, 1)", "not a non-negative integer")]
    public void ForgedNpyShapesAreRefusedBeforeAllocating(string shape, string fault)
    {
        using var dir = new TempDirectory();
        var path = dir.File("forged.npy");
        var header = Encoding.ASCII.GetBytes($"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}\n");
        var bytes = new byte[10 + header.Length + 16];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        header.CopyTo(bytes, 10);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused<AttentionLensException>(() => NpyFile.Read(path), path, fault);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void NpyVersion2HeaderLengthBeyondTheFileIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("long.npy");
        var bytes = new byte[64];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        File.WriteAllBytes(path, bytes);
        Refused<AttentionLensException>(() => NpyFile.Read(path), path, "truncated");
    }

    /// <summary>A pickle naming a storage of 2^61 float elements behind a 16-byte storage file.</summary>
    [Theory]
    [InlineData(0x2000000000000000L, 2L)]
    [InlineData(4L, 0x4000000000000000L)]
    public void ForgedTorchStorageAndTensorSizesAreRefused(long numel, long size)
    {
        using var dir = new TempDirectory();
        var path = dir.File("pytorch_model.bin");
        var pickle = new List<byte> { 0x80, 2, (byte)'}', (byte)'(' };
        void Unicode(string s) { pickle.Add((byte)'X'); pickle.AddRange(BitConverter.GetBytes(s.Length)); pickle.AddRange(Encoding.UTF8.GetBytes(s)); }
        void Long(long v) { pickle.Add(0x8a); pickle.Add(8); pickle.AddRange(BitConverter.GetBytes(v)); }
        Unicode("w");
        pickle.Add((byte)'c'); pickle.AddRange("torch._utils\n_rebuild_tensor_v2\n"u8.ToArray());
        pickle.Add((byte)'('); pickle.Add((byte)'('); Unicode("storage");
        pickle.Add((byte)'c'); pickle.AddRange("torch\nFloatStorage\n"u8.ToArray());
        Unicode("0"); Unicode("cpu"); Long(numel); pickle.Add((byte)'t'); pickle.Add((byte)'Q');
        pickle.Add((byte)'K'); pickle.Add(0); Long(size); pickle.Add(0x85); pickle.Add((byte)'K'); pickle.Add(1); pickle.Add(0x85); pickle.Add(0x89);
        pickle.Add((byte)'c'); pickle.AddRange("collections\nOrderedDict\n"u8.ToArray()); pickle.Add((byte)')'); pickle.Add((byte)'R');
        pickle.Add((byte)'t'); pickle.Add((byte)'R'); pickle.Add((byte)'u'); pickle.Add((byte)'.');
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle.ToArray());
            using (var s = zip.CreateEntry("archive/data/0", CompressionLevel.NoCompression).Open()) s.Write(new byte[16]);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused<CheckpointException>(() => TorchBinFile.Open(path), path, "storage");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
    }

    [Fact]
    public void PickleStringLengthBeyondTheFileIsRefused()
    {
        using var dir = new TempDirectory();
        var pickle = new byte[] { 0x80, 2, (byte)'X', 0xFF, 0xFF, 0xFF, 0xFF, (byte)'.' };
        var unpickler = new RestrictedUnpickler(pickle, "data.pkl", new HashSet<string>(), (_, _) => null, _ => null);
        var e = Assert.Throws<CheckpointException>(() => unpickler.Load());
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }
}
