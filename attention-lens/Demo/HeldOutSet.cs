using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttentionLens.Demo;

/// <summary>
/// The held-out sentences the training tool wrote to <c>models/demo/heldout.json</c>: none of them
/// was seen in training. <see cref="Classification"/> holds past-tense sentences with an attractor
/// (the subject noun is the only word that tells the subject's number); <see cref="Agreement"/>
/// holds present-tense ones (the main verb agrees with the subject across the attractor).
/// </summary>
public sealed class HeldOutSet
{
    private HeldOutSet(IReadOnlyList<string> labels, IReadOnlyList<HeldOutSentence> classification, IReadOnlyList<HeldOutSentence> agreement)
    {
        Labels = labels;
        Classification = classification;
        Agreement = agreement;
    }

    /// <summary>Class names by classifier label id ("singular", "plural").</summary>
    public IReadOnlyList<string> Labels { get; }

    public IReadOnlyList<HeldOutSentence> Classification { get; }

    public IReadOnlyList<HeldOutSentence> Agreement { get; }

    /// <summary>Reads and validates <paramref name="path"/>; every fault names the file, the list and the entry.</summary>
    public static HeldOutSet Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new AttentionLensException($"Held-out set not found: {path}. Regenerate it with 'python3 training/train.py' or pass the folder of the demo models.", path);
        }

        HeldOutFile? file;
        try
        {
            file = JsonSerializer.Deserialize<HeldOutFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new AttentionLensException($"{path} is not valid held-out JSON ({e.Message}). Regenerate it with 'python3 training/train.py'.", path, e);
        }

        if (file?.Labels is not { Count: > 0 } labels || file.Classification is null || file.Agreement is null)
        {
            throw new AttentionLensException($"{path} lacks 'labels', 'classification' or 'agreement'. Regenerate it with 'python3 training/train.py'.", path);
        }

        return new HeldOutSet(labels, Validate(path, "classification", file.Classification, labels), Validate(path, "agreement", file.Agreement, labels));
    }

    private static IReadOnlyList<HeldOutSentence> Validate(string path, string list, IReadOnlyList<HeldOutSentence?> sentences, IReadOnlyList<string> labels)
    {
        var result = new List<HeldOutSentence>(sentences.Count);
        for (var i = 0; i < sentences.Count; i++)
        {
            var s = sentences[i];
            string? fault = s switch
            {
                null => "is null",
                { Text: null } or { Words: null } => "lacks 'text' or 'words'",
                _ when s.Words.Count == 0 || string.Join(' ', s.Words) != s.Text => "has 'words' that do not spell 'text'",
                _ when s.Subject < 0 || s.Subject >= s.Words.Count => $"has 'subject' {s.Subject} outside its {s.Words.Count} words",
                _ when s.Verb <= s.Subject || s.Verb >= s.Words.Count => $"has 'verb' {s.Verb} not after the subject and inside its {s.Words.Count} words",
                _ when !labels.Contains(s.Number) => $"has 'number' '{s.Number}', not one of the labels",
                _ when s.Attractor is { } a && (a <= s.Subject || a >= s.Verb) => $"has 'attractor' {a} not between subject and verb",
                _ => null,
            };
            if (fault is not null)
            {
                throw new AttentionLensException($"{path}: {list}[{i}] {fault}. Regenerate the file with 'python3 training/train.py'.", path);
            }

            result.Add(s!);
        }

        return result;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private sealed record HeldOutFile(
        [property: JsonPropertyName("labels")] IReadOnlyList<string>? Labels,
        [property: JsonPropertyName("classification")] IReadOnlyList<HeldOutSentence?>? Classification,
        [property: JsonPropertyName("agreement")] IReadOnlyList<HeldOutSentence?>? Agreement);
}
