using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AttentionLens.Checkpoints;
using AttentionLens.Tests.Checkpoints;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Fuzz;

/// <summary>
/// Property: any mutation or truncation of a safetensors file, a torch <c>.bin</c> pickle or a
/// <c>.npy</c> file either loads (and every tensor in it reads) or is refused with an
/// <see cref="AttentionLensException"/> naming the file, within a time and allocation bound
/// (<see cref="FuzzHarness"/>). Cases are drawn by FsCheck from fixed seeds.
/// </summary>
public sealed class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const int SafetensorsCases = 2000;
    private const int PickleCases = 2000;
    private const int NpyCases = 2100;

    /// <summary>A small file with every float dtype and an integer tensor, as the writer lays it out.</summary>
    private static byte[] SafetensorsSeed()
    {
        var f16 = new byte[12];
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteHalfLittleEndian(f16.AsSpan(2 * i), (Half)(i - 2.5f));
        var bf16 = new byte[8] { 0x80, 0x3f, 0x00, 0x40, 0x40, 0x40, 0x80, 0xbf };
        var f64 = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, 1.25);
        BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(8), -3);
        using var stream = new MemoryStream();
        SafetensorsWriter.Write(stream,
        [
            SafetensorsEntry.Float32("a.weight", [2, 3], [1, 2, 3, 4, 5, 6]),
            new SafetensorsEntry("b.f16", SafetensorsDType.F16, [6], f16),
            new SafetensorsEntry("c.bf16", SafetensorsDType.BF16, [2, 2], bf16),
            new SafetensorsEntry("d.f64", SafetensorsDType.F64, [2], f64),
            SafetensorsEntry.Int64("e.ids", [3], [7, 8, 9]),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        return stream.ToArray();
    }

    private static void ReadEverything(SafetensorsFile file)
    {
        foreach (var (name, info) in file.Tensors)
        {
            if (SafetensorsDTypes.IsFloatConvertible(info.DType)) _ = file.ReadFloat32(name);
            else _ = file.ReadInt64(name);
        }
    }

    [Fact]
    public void SafetensorsMutationsLoadOrAreRefusedClearly()
    {
        using var dir = new TempDirectory();
        var seed = SafetensorsSeed();
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(seed);
        var header = Encoding.UTF8.GetString(seed, 8, headerLength);
        var data = seed[(8 + headerLength)..];
        var harness = new FuzzHarness("safetensors");
        var path = dir.File("model.safetensors");
        void Case(string description, byte[] bytes) => harness.Run(description, path, () =>
        {
            File.WriteAllBytes(path, bytes);
            using var file = SafetensorsFile.Open(path);
            ReadEverything(file);
        });

        // Half the cases edit raw bytes (length prefix, header, data); half edit the header's JSON
        // and write a consistent length prefix, so the header validation itself is exercised.
        foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, SafetensorsCases / 2, 1))
            Case("bytes " + string.Join(" ", mutations), ByteMutation.ApplyAll(seed, mutations));
        foreach (var mutations in FuzzSeeds.Draw(JsonMutation.Several, SafetensorsCases / 2, 2))
        {
            var json = Encoding.UTF8.GetBytes(JsonMutation.ApplyAll(header, mutations));
            var bytes = new byte[8 + json.Length + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
            json.CopyTo(bytes, 8);
            data.CopyTo(bytes, 8 + json.Length);
            Case("header " + string.Join(" ", mutations), bytes);
        }
        harness.Verify(output);
        Assert.Equal(SafetensorsCases, harness.Cases);
    }

    [Fact]
    public void TorchBinPickleMutationsLoadOrAreRefusedClearly()
    {
        // The seed is a real torch.save state dict (the roberta golden checkpoint, torch zip format).
        byte[] pickle;
        var storages = new List<(string Name, byte[] Data)>();
        using (var zip = ZipFile.OpenRead(SharedData.Path("golden", "hf", "roberta_bin", "pytorch_model.bin")))
            foreach (var entry in zip.Entries)
            {
                using var s = entry.Open();
                var buffer = new MemoryStream();
                s.CopyTo(buffer);
                if (entry.FullName.EndsWith("data.pkl", StringComparison.Ordinal)) pickle = buffer.ToArray();
                storages.Add((entry.FullName, buffer.ToArray()));
            }
        pickle = storages.Single(s => s.Name.EndsWith("data.pkl", StringComparison.Ordinal)).Data;

        using var dir = new TempDirectory();
        var path = dir.File("pytorch_model.bin");
        var harness = new FuzzHarness("pytorch_model.bin");
        void Case(string description, Func<byte[]> archive) => harness.Run(description, path, () =>
        {
            File.WriteAllBytes(path, archive());
            var file = TorchBinFile.Open(path);
            foreach (var name in file.Tensors.Keys) _ = file.ReadFloat32(name);
        });
        byte[] Zip(byte[] newPickle)
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, data) in storages)
                    using (var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open())
                        s.Write(name.EndsWith("data.pkl", StringComparison.Ordinal) ? newPickle : data);
            return buffer.ToArray();
        }

        // Mostly the pickle (opcodes, lengths, storage sizes, shapes, strides); some of the archive.
        foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, PickleCases * 4 / 5, 3))
            Case("pickle " + string.Join(" ", mutations), () => Zip(ByteMutation.ApplyAll(pickle, mutations)));
        var archive = Zip(pickle);
        foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, PickleCases / 5, 4))
            Case("archive " + string.Join(" ", mutations), () => ByteMutation.ApplyAll(archive, mutations));
        harness.Verify(output);
        Assert.Equal(PickleCases, harness.Cases);
    }

    [Fact]
    public void NpyMutationsLoadOrAreRefusedClearly()
    {
        using var dir = new TempDirectory();
        var path = dir.File("attention.npy");
        NpyFile.WriteFloat32(path, [0.5f, 0.5f, 1, 0, 0.25f, 0.75f], 1, 1, 2, 3);
        var v1 = File.ReadAllBytes(path);
        // A version 2.0 file: the same header behind a 4-byte length.
        var v2 = new byte[v1.Length + 2];
        v1.AsSpan(0, 8).CopyTo(v2);
        v2[6] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(v2.AsSpan(8), BinaryPrimitives.ReadUInt16LittleEndian(v1.AsSpan(8)));
        v1.AsSpan(10).CopyTo(v2.AsSpan(12));
        string headerText = Encoding.ASCII.GetString(v1, 10, BinaryPrimitives.ReadUInt16LittleEndian(v1.AsSpan(8)));
        var harness = new FuzzHarness(".npy");
        void Case(string description, byte[] bytes) => harness.Run(description, path, () =>
        {
            File.WriteAllBytes(path, bytes);
            _ = NpyFile.Read(path);
        });

        var shapes = new[] { "(2147483647, 2147483647)", "(4611686018427387904,)", "(-1, 3)", "(0,)", "()", "(1, 1, 2, 3, 0)", "(3,)", "(99999999999999999999,)", "(1,,)", "(", "(2, 3" };
        var descrs = new[] { "'<f4'", "'<f8'", "'<i8'", "'|u1'", "'>f4'", "''", "'<f4" };
        foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, NpyCases / 3, 5))
            Case("v1 bytes " + string.Join(" ", mutations), ByteMutation.ApplyAll(v1, mutations));
        foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, NpyCases / 3, 6))
            Case("v2 bytes " + string.Join(" ", mutations), ByteMutation.ApplyAll(v2, mutations));
        // Header text edits with a consistent length: forged shapes and dtypes.
        var headerEdits =
            from shape in Gen.Elements(shapes)
            from descr in Gen.Elements(descrs)
            from fortran in Gen.Elements("False", "True", "0")
            select (shape, descr, fortran);
        foreach (var (shape, descr, fortran) in FuzzSeeds.Draw(headerEdits, NpyCases / 3, 7))
        {
            var text = $"{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}\n";
            var header = Encoding.ASCII.GetBytes(text);
            var bytes = new byte[10 + header.Length + 24];
            v1.AsSpan(0, 8).CopyTo(bytes);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
            header.CopyTo(bytes, 10);
            Case($"header {text.Trim()}", bytes);
        }
        Assert.Contains("'shape': (1, 1, 2, 3)", headerText, StringComparison.Ordinal);
        harness.Verify(output);
        Assert.Equal(NpyCases, harness.Cases);
    }
}
