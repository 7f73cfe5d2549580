using System.Text.Json;

namespace AttentionLens.Tests.Flow;

/// <summary><c>shared/golden/flow/tiny_2x2x3.json</c>: 2 layers, 3 tokens, values to 6 decimals.</summary>
public sealed record TinyGolden(double[] ResidualAugmented, double[] Rollout, double[] FlowRowNormalised)
{
    public static TinyGolden Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("golden", "flow", "tiny_2x2x3.json")));
        double[] Flat(string key) => doc.RootElement.GetProperty(key).EnumerateArray()
            .SelectMany(m => m.EnumerateArray()).SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
        return new TinyGolden(Flat("residual_augmented"), Flat("rollout"), Flat("abnar_flow_rownorm"));
    }
}
