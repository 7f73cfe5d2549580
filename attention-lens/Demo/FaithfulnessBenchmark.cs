using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Demo;

/// <summary>
/// Every token method's faithfulness (docs/methods.md#faithfulness), averaged per model: the demo
/// models on the held-out sentences with the targets of the plausibility benchmark ([CLS] of both
/// BERTs, the verb-predicting position of GPT-2), and stories260K on its reference prompts (the last
/// position, i.e. the next-token prediction). Reports; tunes nothing.
/// </summary>
public static class FaithfulnessBenchmark
{
    /// <param name="only">The methods to measure (rows are independent: a subset reruns only those); null = every token method.</param>
    public static FaithfulnessTable Run(DemoModels models, HeldOutSet set, string? storiesDirectory, int sentences, CancellationToken cancellationToken = default, IReadOnlyList<AnalysisMethod>? only = null)
    {
        if (sentences < 1) throw new AttentionLensException($"--sentences must be at least 1 (got {sentences}).");
        var methods = only ?? MethodRegistry.TokenMethods;
        var options = new AnalysisOptions { Methods = methods.Append(AnalysisMethod.Faithfulness).ToHashSet() };
        var columns = new List<(string Name, List<AnalysisResult> Results)>();

        var bertTokenizer = TokenizerLoader.Load(models.BertFinetuned);
        int n = Math.Min(sentences, Math.Min(set.Classification.Count, set.Agreement.Count));
        foreach (var (name, dir) in new[] { ("BERT fine-tuned [CLS]", models.BertFinetuned), ("BERT pre-trained [CLS]", models.BertPretrained) })
        {
            var model = ModelLoader.Load(dir);
            var results = new List<AnalysisResult>();
            foreach (var sentence in set.Classification.Take(n))
            {
                var e = bertTokenizer.Encode(sentence.Text);
                results.Add(Analyzer.Analyze(model, new ForwardInput(e.Ids, e.TypeIds), options with { Target = 0 }, cancellationToken));
            }
            columns.Add((name, results));
        }

        var gpt2 = ModelLoader.Load(models.Gpt2);
        var gpt2Tokenizer = TokenizerLoader.Load(models.Gpt2);
        var gptResults = new List<AnalysisResult>();
        foreach (var sentence in set.Agreement.Take(n))
        {
            var e = gpt2Tokenizer.Encode(sentence.PrefixBeforeVerb);
            gptResults.Add(Analyzer.Analyze(gpt2, new ForwardInput(e.Ids), options with { Target = e.Count - 1 }, cancellationToken));
        }
        columns.Add(("GPT-2 (verb position)", gptResults));

        if (storiesDirectory is not null)
        {
            var stories = ModelLoader.Load(storiesDirectory);
            var results = new List<AnalysisResult>();
            foreach (var ids in StoriesPrompts(storiesDirectory))
                results.Add(Analyzer.Analyze(stories, new ForwardInput(ids), options, cancellationToken));
            columns.Add(("stories260K (next token)", results));
        }

        double[][] Mean(Func<FaithfulnessScores, AnalysisMethod, double?> pick) => methods.Select(m => columns.Select(col =>
        {
            var values = col.Results.Where(r => !r.Unavailable.ContainsKey(m.Name)).Select(r => pick(r.Faithfulness!, m)).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
            return values.Count == 0 ? double.NaN : values.Average();
        }).ToArray()).ToArray();

        return new FaithfulnessTable(
            columns.Select(c => c.Name).ToArray(),
            columns.Select(c => c.Results.Count).ToArray(),
            methods,
            Mean((f, m) => f.Spearman.TryGetValue(m, out var r) ? r : null),
            Mean((f, m) => f.Comprehensiveness.TryGetValue(m, out var v) ? v : null),
            Mean((f, m) => f.Sufficiency.TryGetValue(m, out var v) ? v : null));
    }

    /// <summary>The input ids of the reference prompts listed in stories260K's manifest.json.</summary>
    public static IReadOnlyList<int[]> StoriesPrompts(string directory)
    {
        var path = Path.Combine(directory, "manifest.json");
        if (!File.Exists(path)) throw new AttentionLensException($"{path} not found: --stories must be the stories260K folder of the shared reference data.");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var prompts = new List<int[]>();
        if (doc.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("cases", out var cases))
            foreach (var c in cases.EnumerateObject())
                if (c.Value.TryGetProperty("input_ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
                    prompts.Add(ids.EnumerateArray().Select(e => e.GetInt32()).ToArray());
        if (prompts.Count == 0) throw new AttentionLensException($"{path} lists no prompts with input_ids under model.cases.");
        return prompts;
    }
}
