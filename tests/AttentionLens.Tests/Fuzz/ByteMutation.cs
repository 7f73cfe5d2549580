using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;

namespace AttentionLens.Tests.Fuzz;

/// <summary>
/// One edit of a file's bytes, as FsCheck draws them: positions are fractions of the length (in
/// millionths) so one mutation applies to any seed. The kinds follow what breaks parsers: a
/// flipped bit, a byte set to a boundary value, bytes inserted or deleted, a truncation, and a
/// 4- or 8-byte little-endian integer overwritten with a boundary value (length and size fields).
/// </summary>
internal sealed record ByteMutation(ByteMutation.Kind What, int At, int Value, int Length)
{
    public enum Kind { FlipBit, SetByte, Insert, Delete, Truncate, Int32Field, Int64Field, Duplicate }

    private static readonly byte[] BoundaryBytes = [0x00, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)'9', (byte)'-', (byte)'\\', 0xC0, 0xED, 0xF8];

    private static readonly long[] BoundaryInts =
    [
        0, 1, -1, 7, 8, 255, 256, 65535, int.MaxValue, int.MinValue, uint.MaxValue, (long)int.MaxValue + 1,
        long.MaxValue, long.MinValue, 1L << 40, 1L << 62, 100_000_001,
    ];

    public static Gen<ByteMutation> Generator { get; } =
        from what in Gen.Elements(Enum.GetValues<Kind>())
        from at in Gen.Choose(0, 1_000_000)
        from value in Gen.Choose(0, 255)
        from length in Gen.Choose(1, 64)
        select new ByteMutation(what, at, value, length);

    /// <summary>One to four mutations, applied in order.</summary>
    public static Gen<ByteMutation[]> Several { get; } = Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Generator, n));

    public byte[] Apply(byte[] input)
    {
        var bytes = new List<byte>(input);
        int n = bytes.Count;
        int at = n == 0 ? 0 : (int)((long)At * n / 1_000_001);
        switch (What)
        {
            case Kind.FlipBit when n > 0: bytes[at] ^= (byte)(1 << (Value % 8)); break;
            case Kind.SetByte when n > 0: bytes[at] = BoundaryBytes[Value % BoundaryBytes.Length]; break;
            case Kind.Insert: bytes.InsertRange(at, Enumerable.Repeat(BoundaryBytes[Value % BoundaryBytes.Length], Length)); break;
            case Kind.Delete when n > 0: bytes.RemoveRange(at, Math.Min(Length, n - at)); break;
            case Kind.Truncate: bytes.RemoveRange(at, n - at); break;
            case Kind.Duplicate when n > 0: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(Length, n - at))); break;
            case Kind.Int32Field when n >= 4:
            {
                var field = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(field, (int)BoundaryInts[Value % BoundaryInts.Length]);
                for (int i = 0; i < 4; i++) bytes[Math.Min(at, n - 4) + i] = field[i];
                break;
            }
            case Kind.Int64Field when n >= 8:
            {
                var field = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(field, BoundaryInts[Value % BoundaryInts.Length]);
                for (int i = 0; i < 8; i++) bytes[Math.Min(at, n - 8) + i] = field[i];
                break;
            }
        }
        return bytes.ToArray();
    }

    public static byte[] ApplyAll(byte[] input, IEnumerable<ByteMutation> mutations) =>
        mutations.Aggregate(input, (bytes, m) => m.Apply(bytes));

    public override string ToString() => $"{What}@{At / 10_000.0:0.##}%({Value},{Length})";
}
