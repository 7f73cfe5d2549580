using System.Text.Json;

namespace AttentionLens.Demo;

/// <summary>
/// The bundled demo models (trained by <c>training/train.py</c>): a tiny BERT pre-trained with
/// masked-language modelling, its copy fine-tuned to classify the subject's number, and a tiny
/// GPT-2, plus the held-out sentences. Found next to the executable (the server copies
/// <c>models/demo</c> into its output) or, when run from a checkout, in the repository.
/// </summary>
public sealed class DemoModels
{
    public const string FolderName = "demo";

    private DemoModels(string root) => Root = root;

    /// <summary>The folder holding bert-pretrained/, bert-finetuned/, gpt2/ and heldout.json.</summary>
    public string Root { get; }

    public string BertPretrained => System.IO.Path.Combine(Root, "bert-pretrained");

    public string BertFinetuned => System.IO.Path.Combine(Root, "bert-finetuned");

    public string Gpt2 => System.IO.Path.Combine(Root, "gpt2");

    public string HeldOut => System.IO.Path.Combine(Root, "heldout.json");

    /// <summary>
    /// Finds the demo models: <paramref name="explicitRoot"/> when given; else
    /// <c>AppContext.BaseDirectory/models/demo</c>; else <c>models/demo</c> in the nearest ancestor
    /// of the base directory or of the current directory (a source checkout).
    /// </summary>
    public static DemoModels Locate(string? explicitRoot = null)
    {
        if (explicitRoot is not null)
        {
            var full = System.IO.Path.GetFullPath(explicitRoot);
            return IsComplete(full)
                ? new DemoModels(full)
                : throw new AttentionLensException($"{full} does not hold the demo models (bert-pretrained/, bert-finetuned/, gpt2/, heldout.json). Point to the repository's models/demo folder.", full);
        }

        var tried = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "models", FolderName);
                tried.Add(candidate);
                if (IsComplete(candidate))
                {
                    return new DemoModels(candidate);
                }
            }
        }

        throw new AttentionLensException(
            "The bundled demo models were not found. Looked in: " + string.Join(", ", tried.Distinct()) +
            ". Build the server (it copies models/demo next to the executable) or run from the repository.");
    }

    /// <summary>The class names of a classifier checkpoint from its config's <c>id2label</c>, by id.</summary>
    public static IReadOnlyList<string> ReadLabels(string modelDirectory, int numLabels)
    {
        var path = System.IO.Path.Combine(modelDirectory, "config.json");
        var labels = Enumerable.Range(0, numLabels).Select(i => $"LABEL_{i}").ToArray();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.TryGetProperty("id2label", out var map) && map.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in map.EnumerateObject())
                {
                    if (int.TryParse(entry.Name, out var id) && id >= 0 && id < numLabels && entry.Value.ValueKind == JsonValueKind.String)
                    {
                        labels[id] = entry.Value.GetString()!;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            throw new AttentionLensException($"{path}: cannot read id2label ({e.Message}).", path, e);
        }

        return labels;
    }

    private static bool IsComplete(string root) =>
        File.Exists(System.IO.Path.Combine(root, "heldout.json"))
        && new[] { "bert-pretrained", "bert-finetuned", "gpt2" }.All(m => File.Exists(System.IO.Path.Combine(root, m, "config.json")));
}
