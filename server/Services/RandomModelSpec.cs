using System.Globalization;

namespace AttentionLens.Server.Services;

/// <summary>
/// A model id of the form <c>random:&lt;preset&gt;?seed=N&amp;tokenizer=DIR</c>: a model of a standard
/// size with random weights (the core's ModelPresets) paired with the tokenizer in DIR. It exists
/// for benchmarks of published sizes without shipping their weights.
/// </summary>
public sealed record RandomModelSpec(string Preset, int Seed, string TokenizerDirectory)
{
    public const string Scheme = "random:";

    public static bool IsRandom(string model) => model.StartsWith(Scheme, StringComparison.Ordinal);

    /// <summary>The canonical id (used as the cache key).</summary>
    public override string ToString() => $"{Scheme}{Preset}?seed={Seed.ToString(CultureInfo.InvariantCulture)}&tokenizer={TokenizerDirectory}";

    public static RandomModelSpec Parse(string model)
    {
        var body = model[Scheme.Length..];
        var q = body.IndexOf('?');
        var preset = q < 0 ? body : body[..q];
        var seed = 0;
        string? tokenizer = null;
        foreach (var pair in (q < 0 ? "" : body[(q + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var (key, value) = eq < 0 ? (pair, "") : (pair[..eq], pair[(eq + 1)..]);
            switch (key)
            {
                case "seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s): seed = s; break;
                case "tokenizer": tokenizer = Path.GetFullPath(value); break;
                default: throw new InvalidParamsException($"model '{model}': unknown or malformed '{pair}'; expected random:<preset>?seed=N&tokenizer=DIR.");
            }
        }
        if (preset.Length == 0) throw new InvalidParamsException($"model '{model}': name a preset, e.g. random:bert-base?seed=1&tokenizer=DIR.");
        if (tokenizer is null) throw new InvalidParamsException($"model '{model}': a random model needs a tokenizer folder: add &tokenizer=DIR (e.g. a bert-base-uncased tokenizer for random:bert-base).");
        if (!Directory.Exists(tokenizer)) throw new ModelNotFoundException(tokenizer, "a folder with tokenizer files (tokenizer.json, vocab.txt, …)");
        return new RandomModelSpec(preset, seed, tokenizer);
    }
}
