using AttentionLens.Tokenizers.Decoders;
using AttentionLens.Tokenizers.Json;
using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.Pipeline;
using AttentionLens.Tokenizers.PostProcessors;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Legacy;

/// <summary>GPT-2 style <c>vocab.json</c> + <c>merges.txt</c> byte-level BPE, assembled as
/// transformers' GPT2Converter / RobertaConverter do: ByteLevel pre-tokenizer with the config's
/// <c>add_prefix_space</c>, BPE, ByteLevel decoder; RoBERTa-family checkpoints get
/// <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c> with trimmed offsets, GPT-2 a BOS only when
/// <c>add_bos_token</c>.</summary>
public static class ByteLevelBpeLoader
{
    public static PipelineTokenizer Load(string directory, TokenizerConfig config)
    {
        var vocabFile = Path.Combine(directory, "vocab.json");
        var mergesFile = Path.Combine(directory, "merges.txt");
        Vocabulary vocab;
        using (var doc = JsonSection.Parse(vocabFile))
        {
            var root = new JsonSection(doc.RootElement, vocabFile, "");
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, value) in root.Properties()) ids[name] = value.AsInt();
            if (ids.Count == 0) throw new TokenizerException(vocabFile, "", "is empty; a tokenizer needs a vocabulary.");
            vocab = new Vocabulary(ids);
        }
        var merges = RankedMerges.Build(ReadMerges(mergesFile), vocab, null, mergesFile, "merges");
        var model = new BpeModel(vocab, merges);
        var addPrefixSpace = config.AddPrefixSpace ?? false;
        var preTokenizer = new ByteLevelPreTokenizer(addPrefixSpace, useRegex: true);
        var added = SpecialTokens.Collect(config, vocab);
        return new PipelineTokenizer(model, null, preTokenizer, PostProcessor(config, vocab, addPrefixSpace), new ByteLevelDecoder(), added);
    }

    private static IPostProcessor PostProcessor(TokenizerConfig config, Vocabulary vocab, bool addPrefixSpace)
    {
        var cls = config.Special("cls_token");
        var sep = config.Special("sep_token");
        var isRoberta = config.TokenizerClass?.Contains("Roberta", StringComparison.OrdinalIgnoreCase) == true
            || config.TokenizerClass?.Contains("Bart", StringComparison.OrdinalIgnoreCase) == true
            || (config.TokenizerClass is null && cls is not null && sep is not null);
        if (isRoberta && cls is not null && sep is not null && vocab[cls] is int clsId && vocab[sep] is int sepId)
            return new RobertaProcessing((sep, sepId), (cls, clsId), config.TrimOffsets ?? true, addPrefixSpace);
        var bos = config.Special("bos_token");
        if (config.AddBosToken == true && bos is not null && vocab[bos] is int bosId)
        {
            var specials = new Dictionary<string, (int[], string[])> { [bos] = ([bosId], [bos]) };
            return new TemplateProcessing(
                [new TemplatePiece(true, bos, 0), new TemplatePiece(false, "A", 0)],
                [new TemplatePiece(true, bos, 0), new TemplatePiece(false, "A", 0), new TemplatePiece(true, bos, 1), new TemplatePiece(false, "B", 1)],
                specials);
        }
        return new ByteLevelProcessing(trimOffsets: false, addPrefixSpace);
    }

    private static IEnumerable<(string, string)> ReadMerges(string file)
    {
        var line = 0;
        foreach (var raw in File.ReadLines(file))
        {
            line++;
            var text = raw.TrimEnd('\r');
            if (text.Length == 0 || (line == 1 && text.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = text.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new TokenizerException(file, $"line {line}", $"\"{text}\" is not two tokens separated by one space.");
            yield return (parts[0], parts[1]);
        }
    }
}
