using AttentionLens.Checkpoints;
using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

/// <summary>Reads the reference arrays of <c>shared/golden/flow/&lt;set&gt;</c>.</summary>
public static class FlowGolden
{
    public static readonly string[] Sets = ["n8", "n16", "n8_banded", "n16_banded"];

    public static NpyFile Read(string set, string file) => NpyFile.Read(SharedData.Path("golden", "flow", set, file));

    public static bool Has(string set, string file) => File.Exists(SharedData.Path("golden", "flow", set, file));

    /// <summary>The set's attention reduced to Â exactly as the reference builds it.</summary>
    public static LayeredAttention Graph(string set, out AttentionShape shape)
    {
        var att = Read(set, "attention.npy");
        shape = AttentionShape.FromDims(att.Shape, set);
        return LayeredAttention.FromAttention<double>(att.Data, shape, source: set);
    }
}
