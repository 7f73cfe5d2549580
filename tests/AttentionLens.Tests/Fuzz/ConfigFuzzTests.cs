using System.Text;
using System.Text.Json.Nodes;
using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Fuzz;

/// <summary>
/// Property: a mutated <c>config.json</c> of every supported <c>model_type</c>, beside the real
/// weights of its golden checkpoint, either loads — and then a forward of a few tokens runs or is
/// refused with an <see cref="AttentionLensException"/> — or the load is refused with one naming
/// config.json (or the weights file the config no longer matches). Random JSON documents too.
/// Time and allocation are bounded per case (<see cref="FuzzHarness"/>): a config cannot make
/// the loader reserve memory its weights do not back.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerModelType = 250;
    private const int RandomDocuments = 250;
    private const int IndexCases = 600;

    /// <summary>model_type → the golden folder whose weights it is loaded with (mistral and qwen2 share Llama's computation).</summary>
    private static readonly (string ModelType, string Folder, string Weights)[] Types =
    [
        ("bert", "bert", "model.safetensors"),
        ("roberta", "roberta_bin", "pytorch_model.bin"),
        ("distilbert", "distilbert", "model.safetensors"),
        ("gpt2", "gpt2", "model.safetensors"),
        ("llama", "llama", "model.safetensors"),
        ("mistral", "llama", "model.safetensors"),
        ("qwen2", "llama", "model.safetensors"),
    ];

    [Fact]
    public void MutatedConfigsOfEveryModelTypeLoadOrAreRefusedClearly()
    {
        var harness = new FuzzHarness("config.json");
        ulong seed = 10;
        foreach (var (type, folder, weights) in Types)
        {
            using var dir = new TempDirectory();
            if (type == "qwen2") WriteWithQkvBiases(SharedData.Path("golden", "hf", folder, weights), dir.File(weights));
            else File.CreateSymbolicLink(dir.File(weights), SharedData.Path("golden", "hf", folder, weights));
            var config = JsonNode.Parse(File.ReadAllText(SharedData.Path("golden", "hf", folder, "config.json")))!;
            config["model_type"] = type;
            var text = config.ToJsonString();
            var path = dir.File("config.json");

            // The unmutated seed must load and run: otherwise every case would be a refusal.
            File.WriteAllText(path, text);
            Assert.Equal(type, ModelLoader.Load(dir.Path).Info.ModelType);

            foreach (var mutations in FuzzSeeds.Draw(JsonMutation.Several, CasesPerModelType * 4 / 5, seed++))
                Case(harness, $"{type} json {string.Join(" ", mutations)}", dir.Path, Encoding.UTF8.GetBytes(JsonMutation.ApplyAll(text, mutations)));
            foreach (var mutations in FuzzSeeds.Draw(ByteMutation.Several, CasesPerModelType / 5, seed++))
                Case(harness, $"{type} bytes {string.Join(" ", mutations)}", dir.Path, ByteMutation.ApplyAll(Encoding.UTF8.GetBytes(text), mutations));
        }
        using (var dir = new TempDirectory())
        {
            File.CreateSymbolicLink(dir.File("model.safetensors"), SharedData.Path("golden", "hf", "bert", "model.safetensors"));
            foreach (var json in FuzzSeeds.Draw(JsonMutation.Value, RandomDocuments, seed++, size: 40))
                Case(harness, $"random {json}", dir.Path, Encoding.UTF8.GetBytes(json));
        }
        harness.Verify(output);
        // Cases that load also count their forward.
        Assert.True(harness.Cases >= Types.Length * CasesPerModelType + RandomDocuments, $"{harness.Cases} cases");
    }

    /// <summary>
    /// The same property for a sharded checkpoint's <c>model.safetensors.index.json</c>: shard
    /// names that are empty, paths, folders, duplicates or absent, and tensors mapped to the wrong shard.
    /// </summary>
    [Fact]
    public void MutatedShardIndexesLoadOrAreRefusedClearly()
    {
        var harness = new FuzzHarness("model.safetensors.index.json");
        var golden = SharedData.Path("golden", "hf", "bert_sharded");
        using var dir = new TempDirectory();
        foreach (var file in Directory.GetFiles(golden, "*.safetensors").Append(Path.Combine(golden, "config.json")))
            File.CreateSymbolicLink(dir.File(Path.GetFileName(file)), file);
        var text = File.ReadAllText(Path.Combine(golden, "model.safetensors.index.json"));
        var index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, text);
        Assert.Equal("bert", ModelLoader.Load(dir.Path).Info.ModelType);
        var shardNames = new[] { "\"\"", "\"model-00002-of-00004.safetensors\"", "\"../bert/model.safetensors\"", "\"/dev/zero\"", "\".\"", "\"config.json\"", "\"missing.safetensors\"", "null", "7" };
        var edits =
            from mutations in JsonMutation.Several
            from shard in Gen.Elements(shardNames)
            from at in Gen.Choose(0, 40)
            select (mutations, shard, at);
        foreach (var (mutations, shard, at) in FuzzSeeds.Draw(edits, IndexCases, 30))
        {
            // Half the cases re-point one tensor at a hostile shard name, half edit the JSON anywhere.
            var root = JsonNode.Parse(text)!;
            var map = root["weight_map"]!.AsObject();
            var key = map.ElementAt(at % map.Count).Key;
            string json = at % 2 == 0 ? JsonMutation.ApplyAll(text, mutations) : Repoint(root, key, shard);
            File.WriteAllText(index, json);
            harness.Run(at % 2 == 0 ? $"json {string.Join(" ", mutations)}" : $"{key} -> {shard}", Path.GetFileName(dir.Path), () => ModelLoader.Load(dir.Path));
        }
        harness.Verify(output);
        Assert.Equal(IndexCases, harness.Cases);
    }

    private static string Repoint(JsonNode root, string key, string shard)
    {
        root["weight_map"]![key] = JsonNode.Parse(shard);
        return root.ToJsonString();
    }

    /// <summary>Qwen2 always has q/k/v biases (modeling_qwen2.py): the Llama weights plus zero biases.</summary>
    private static void WriteWithQkvBiases(string source, string destination)
    {
        using var file = SafetensorsFile.Open(source);
        var entries = file.Tensors.Values.Select(t => SafetensorsEntry.Float32(t.Name, t.Shape, file.ReadFloat32(t.Name))).ToList();
        foreach (var t in file.Tensors.Values.Where(t => t.Name.EndsWith("_proj.weight", StringComparison.Ordinal) && t.Name.Contains("self_attn", StringComparison.Ordinal) && !t.Name.Contains("o_proj", StringComparison.Ordinal)).ToList())
            entries.Add(SafetensorsEntry.Float32(t.Name[..^"weight".Length] + "bias", [t.Shape[0]], new float[t.Shape[0]]));
        SafetensorsWriter.Write(destination, entries);
    }

    private static void Case(FuzzHarness harness, string description, string folder, byte[] config)
    {
        var path = Path.Combine(folder, "config.json");
        File.WriteAllBytes(path, config);
        ITransformerModel? model = null;
        // Loading must name a file of the checkpoint: config.json, or the weights it no longer matches.
        harness.Run(description, Path.GetFileName(folder), () => model = ModelLoader.Load(folder));
        if (model is not null)
            harness.Run(description + " (forward)", "", () => model.Forward(new ForwardInput([1, 2, 3, 4])), mustNameFile: false);
    }
}
