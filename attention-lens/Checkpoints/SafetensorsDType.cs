namespace AttentionLens.Checkpoints;

/// <summary>The element types the safetensors format names in a header's <c>dtype</c> field.</summary>
public enum SafetensorsDType
{
    Bool,
    U8,
    I8,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
    F8E4M3,
    F8E5M2,
}

/// <summary>Names and sizes of <see cref="SafetensorsDType"/> as the format spells them.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Parses a header dtype string ("F32", "BF16", "F8_E4M3"…); false for anything else.</summary>
    public static bool TryParse(string text, out SafetensorsDType dtype)
    {
        dtype = text switch
        {
            "BOOL" => SafetensorsDType.Bool,
            "U8" => SafetensorsDType.U8,
            "I8" => SafetensorsDType.I8,
            "I16" => SafetensorsDType.I16,
            "U16" => SafetensorsDType.U16,
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            "I32" => SafetensorsDType.I32,
            "U32" => SafetensorsDType.U32,
            "F32" => SafetensorsDType.F32,
            "F64" => SafetensorsDType.F64,
            "I64" => SafetensorsDType.I64,
            "U64" => SafetensorsDType.U64,
            "F8_E4M3" => SafetensorsDType.F8E4M3,
            "F8_E5M2" => SafetensorsDType.F8E5M2,
            _ => (SafetensorsDType)(-1),
        };
        return (int)dtype >= 0;
    }

    public static string Name(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => "BOOL",
        SafetensorsDType.F8E4M3 => "F8_E4M3",
        SafetensorsDType.F8E5M2 => "F8_E5M2",
        _ => dtype.ToString(),
    };

    public static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8 or SafetensorsDType.F8E4M3 or SafetensorsDType.F8E5M2 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        _ => 8,
    };

    /// <summary>True for the types weights may be stored in: converted exactly to float32.</summary>
    public static bool IsFloatConvertible(SafetensorsDType dtype) =>
        dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64;
}
