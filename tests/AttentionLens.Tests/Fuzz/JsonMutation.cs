using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace AttentionLens.Tests.Fuzz;

/// <summary>
/// One structural edit of a JSON document (config.json, tokenizer.json, a safetensors header):
/// the node at a drawn position of its depth-first order gets a random JSON value, a boundary
/// number or string, or is removed. Values are drawn as JSON text by <see cref="Value"/>, which
/// leans on the numbers and strings that break loaders (0, −1, 2³¹, 1e308, "", NaN-like text).
/// </summary>
internal sealed record JsonMutation(JsonMutation.Kind What, int At, string Replacement)
{
    public enum Kind { Replace, Remove, Boundary }

    private static readonly string[] BoundaryValues =
    [
        "0", "-1", "1", "2", "3", "7", "2147483647", "2147483648", "-2147483648", "9223372036854775807", "18446744073709551616",
        "1e308", "-1e308", "1e-320", "0.5", "1.5", "65536", "1000000", "\"\"", "\"NaN\"", "\"Infinity\"", "\"\\u0000\"",
        "\"LONE_SURROGATE\"", "null", "true", "false", "[]", "{}", "\"(a+)+$\"", "\"gelu_fast\"", "\"F32\"", "\"I64\"", "\"BPE\"",
    ];

    /// <summary>Random JSON text of bounded depth.</summary>
    public static Gen<string> Value { get; } = Gen.Sized(size => ValueOfDepth(Math.Min(3, size / 10)));

    private static Gen<string> ValueOfDepth(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements(BoundaryValues),
            Gen.Choose(-1000, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Elements("a", "ab", "<s>", "##x", "Ġ", "▁", "model", "type", "vocab", "merges", "id").Select(s => JsonSerializer.Serialize(s)));
        if (depth <= 0) return scalar;
        var inner = ValueOfDepth(depth - 1);
        return Gen.Frequency(
            (6, scalar),
            (1, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(inner, n)).Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Gen.Elements("type", "model", "vocab", "id", "content", "pattern", "a"), inner), n))
                .Select(items => "{" + string.Join(",", items.Select((kv, i) => $"\"{kv.Item1}{i}\":{kv.Item2}")) + "}")));
    }

    public static Gen<JsonMutation> Generator { get; } =
        from what in Gen.Frequency((4, Gen.Constant(Kind.Boundary)), (3, Gen.Constant(Kind.Replace)), (2, Gen.Constant(Kind.Remove)))
        from at in Gen.Choose(0, 1_000_000)
        from replacement in Gen.OneOf(Value, Gen.Elements(BoundaryValues))
        select new JsonMutation(what, at, replacement);

    public static Gen<JsonMutation[]> Several { get; } = Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Generator, n));

    /// <summary>Applies the edit to a parsed copy; the root itself is never removed.</summary>
    public void Apply(JsonNode root)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count <= 1) return;
        var target = nodes[1 + (int)((long)At * (nodes.Count - 1) / 1_000_001)];
        var parent = target.Parent!;
        var value = What switch
        {
            Kind.Remove => null,
            Kind.Boundary => JsonNode.Parse(BoundaryValues[At % BoundaryValues.Length]),
            _ => JsonNode.Parse(Replacement),
        };
        if (parent is JsonObject obj)
        {
            var name = target.GetPropertyName();
            if (What == Kind.Remove) obj.Remove(name);
            else obj[name] = value;
        }
        else if (parent is JsonArray array)
        {
            int index = target.GetElementIndex();
            if (What == Kind.Remove) array.RemoveAt(index);
            else array[index] = value;
        }
    }

    /// <summary>Parses <paramref name="json"/>, applies <paramref name="mutations"/>, writes it back.</summary>
    public static string ApplyAll(string json, IEnumerable<JsonMutation> mutations)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var m in mutations) m.Apply(root);
        // JsonNode cannot hold a lone surrogate, but JSON text can spell one ("\ud800"): substitute it after writing.
        return root.ToJsonString().Replace("LONE_SURROGATE", "\\ud800", StringComparison.Ordinal);
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null) return;
        nodes.Add(node);
        if (node is JsonObject obj) foreach (var (_, child) in obj) Collect(child, nodes);
        else if (node is JsonArray array) foreach (var child in array) Collect(child, nodes);
    }

    public override string ToString() => $"{What}@{At / 10_000.0:0.##}%={(What == Kind.Replace ? Replacement : What == Kind.Boundary ? BoundaryValues[At % BoundaryValues.Length] : "")}";
}
