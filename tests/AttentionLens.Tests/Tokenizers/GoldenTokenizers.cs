using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Tokenizers;

/// <summary>The four golden tokenizers, each loaded once for the whole test run (read-only after loading).</summary>
internal static class GoldenTokenizers
{
    private static readonly Dictionary<string, Lazy<ITokenizer>> Loaded = new[] { "gpt2", "bert-base-uncased", "roberta-base", "stories260K-tok512" }
        .ToDictionary(n => n, n => new Lazy<ITokenizer>(() => TokenizerLoader.Load(SharedData.Path("golden", "tokenizers", n))));

    public static ITokenizer Get(string name) => Loaded[name].Value;
}
