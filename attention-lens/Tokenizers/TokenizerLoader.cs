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
        foreach (var name in TokenizerFiles)
            CheckRegular(Path.Combine(directory, name));
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
        CheckRegular(file);
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return TokenizerJsonLoader.Load(file);
        if (TiktokenFile.Sniff(file)) return TiktokenModelTokenizer.Load(file);
        var config = TokenizerConfig.Load(Path.GetDirectoryName(Path.GetFullPath(file))!);
        return SentencePieceLoader.Load(file, config);
    }

    /// <summary>The files a loader below may read whole, when present.</summary>
    private static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "vocab.txt", "tokenizer.model"];

    /// <summary>
    /// Refuses a present tokenizer file that is empty or not a regular file, before any loader opens
    /// it: a FIFO would block the open forever and a device such as /dev/zero never ends (a
    /// tokenizer.model linked to it was read into gigabytes). All of them report size 0 after
    /// following links, as an empty file does.
    /// </summary>
    private static void CheckRegular(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path)) return;
        if (info.LinkTarget is not null && File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target) info = target;
        if (info is DirectoryInfo || Directory.Exists(info.FullName))
            throw new TokenizerException(path, "", "is a folder, not a file.");
        if (info is FileInfo { Exists: true, Length: 0 })
            throw new TokenizerException(path, "", "is empty, or is not a regular file (a device, pipe or socket).");
    }
}
