using AttentionLens.Tokenizers.Json;
using AttentionLens.Tokenizers.Legacy;
using AttentionLens.Tokenizers.Library;
using AttentionLens.Tokenizers.SentencePiece;

namespace AttentionLens.Tokenizers;

/// <summary>
/// Finds and loads the tokenizer in a checkpoint folder: tokenizer.json first, then the older
/// formats (vocab.txt; vocab.json + merges.txt; tokenizer.model as SentencePiece or, like the original
/// Llama 3 release, in tiktoken's format).
/// </summary>
public static class TokenizerLoader
{
    public static ITokenizer Load(string directory)
    {
        if (File.Exists(directory)) return LoadFile(directory);
        if (!Directory.Exists(directory))
            throw new AttentionLensException($"Tokenizer folder '{directory}' does not exist; pass the checkpoint folder.", directory);
        var json = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(json)) return TokenizerJsonLoader.Load(json);
        var config = TokenizerConfig.Load(directory);
        if (File.Exists(Path.Combine(directory, "vocab.json")) && File.Exists(Path.Combine(directory, "merges.txt")))
            return ByteLevelBpeLoader.Load(directory, config);
        if (File.Exists(Path.Combine(directory, "vocab.txt")))
            return WordPieceLoader.Load(directory, config);
        var model = Path.Combine(directory, "tokenizer.model");
        if (!File.Exists(model)) model = Directory.EnumerateFiles(directory, "*.model").OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault() ?? model;
        if (File.Exists(model)) return TiktokenFile.Sniff(model) ? TiktokenModelTokenizer.Load(model) : SentencePieceLoader.Load(model, config);
        throw new AttentionLensException(
            $"No tokenizer in '{directory}': expected tokenizer.json, vocab.txt, vocab.json with merges.txt, or a SentencePiece tokenizer.model.", directory);
    }

    /// <summary>Loads one tokenizer file: a tokenizer.json or a SentencePiece .model (with the
    /// tokenizer_config.json beside it, if any).</summary>
    public static ITokenizer LoadFile(string file)
    {
        if (!File.Exists(file)) throw new AttentionLensException($"Tokenizer file '{file}' does not exist.", file);
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return TokenizerJsonLoader.Load(file);
        if (TiktokenFile.Sniff(file)) return TiktokenModelTokenizer.Load(file);
        var config = TokenizerConfig.Load(Path.GetDirectoryName(Path.GetFullPath(file))!);
        return SentencePieceLoader.Load(file, config);
    }
}
