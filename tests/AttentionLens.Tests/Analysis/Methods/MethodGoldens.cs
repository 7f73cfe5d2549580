using System.Text.Json;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// The method goldens under tests/goldens/methods/ (written by the make_*.py scripts beside them): each
/// has "cases", each case naming its model folder ("../shared/..." or repository-relative) and its input ids.
/// </summary>
internal static class MethodGoldens
{
    private static readonly Dictionary<string, JsonDocument> Cache = new();

    /// <summary>The root of tests/goldens/methods/<paramref name="name"/>.json, parsed once.</summary>
    public static JsonElement Root(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var doc))
                Cache[name] = doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "methods", name + ".json")));
            return doc.RootElement;
        }
    }

    public static IEnumerable<string> CaseNames(string name) => Root(name).GetProperty("cases").EnumerateObject().Select(p => p.Name);

    /// <summary>The case names of one golden as xunit theory data.</summary>
    public static TheoryData<string> Cases(string name)
    {
        var data = new TheoryData<string>();
        foreach (var caseName in CaseNames(name)) data.Add(caseName);
        return data;
    }

    public static JsonElement Case(string name, string caseName) => Root(name).GetProperty("cases").GetProperty(caseName);

    /// <summary>Loads the case's model: "../shared/..." lies in the shared reference data, anything else under the repository.</summary>
    public static ITransformerModel LoadModel(JsonElement c)
    {
        var relative = c.GetProperty("model").GetString()!;
        return ModelLoader.Load(relative.StartsWith("../shared/", StringComparison.Ordinal)
            ? SharedData.Path(relative["../shared/".Length..].Split('/'))
            : Path.Combine(SharedData.RepositoryRoot, relative));
    }

    public static int[] Ids(JsonElement c) => c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
