using AttentionLens.Tokenizers.Decoders;
using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;
using AttentionLens.Tokenizers.PostProcessors;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Legacy;

/// <summary>A BERT-style <c>vocab.txt</c> (one token per line, id = line number) assembled the way
/// transformers' BertConverter does: BertNormalizer with the config's casing, BertPreTokenizer,
/// WordPiece, <c>[CLS] A [SEP] B [SEP]</c>, WordPiece decoder.</summary>
public static class WordPieceLoader
{
    public static PipelineTokenizer Load(string directory, TokenizerConfig config)
    {
        var file = Path.Combine(directory, "vocab.txt");
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var line = 0;
        foreach (var raw in File.ReadLines(file))
        {
            ids.TryAdd(raw.TrimEnd('\r'), line);
            line++;
        }
        if (ids.Count == 0) throw new TokenizerException(file, "", "is empty; it must list one token per line.");
        var vocab = new Vocabulary(ids);
        var unk = config.Special("unk_token") ?? "[UNK]";
        if (vocab[unk] is null) throw new TokenizerException(file, unk, "the unknown token is not in the vocabulary.");
        var model = new WordPieceModel(vocab, unk);
        var lowercase = config.DoLowerCase ?? true;
        var normalizer = new BertNormalizer(true, config.TokenizeChineseChars, config.StripAccents, lowercase);
        var cls = config.Special("cls_token") ?? "[CLS]";
        var sep = config.Special("sep_token") ?? "[SEP]";
        var clsId = vocab[cls] ?? throw new TokenizerException(file, cls, "the classifier token is not in the vocabulary.");
        var sepId = vocab[sep] ?? throw new TokenizerException(file, sep, "the separator token is not in the vocabulary.");
        var added = SpecialTokens.Collect(config, vocab);
        return new PipelineTokenizer(model, normalizer, new BertPreTokenizer(), new BertProcessing((sep, sepId), (cls, clsId)),
            new WordPieceDecoder("##", cleanup: true), added);
    }
}
