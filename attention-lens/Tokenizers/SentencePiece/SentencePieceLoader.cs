using AttentionLens.Tokenizers.Decoders;
using AttentionLens.Tokenizers.Legacy;
using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.Pipeline;
using AttentionLens.Tokenizers.PostProcessors;

namespace AttentionLens.Tokenizers.SentencePiece;

/// <summary>
/// A SentencePiece <c>.model</c> as the pipeline SentencePiece itself runs: the precompiled
/// normalization map (unless "identity"), whitespace cleanup (strip and collapse spaces when
/// remove_extra_whitespaces), a '▁' dummy prefix, spaces escaped to '▁'; then BPE by piece score or
/// Unigram Viterbi over the whole normalized text, with byte fallback. Control and unknown pieces
/// are special added tokens; BOS/EOS come from tokenizer_config.json (BOS on by default, as LLaMA).
/// </summary>
public static class SentencePieceLoader
{
    private const string Space = "\u2581";

    public static PipelineTokenizer Load(string file, TokenizerConfig config)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(file);
        }
        catch (IOException e)
        {
            throw new TokenizerException(file, "", $"cannot be read: {e.Message}", e);
        }
        var proto = SentencePieceModelProto.Parse(data, file);
        var normalizer = BuildNormalizer(proto, file);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < proto.Pieces.Count; i++) ids.TryAdd(proto.Pieces[i].Piece, i);
        var vocab = new Vocabulary(ids);
        IModel model = proto.ModelType switch
        {
            1 => new UnigramModel(proto.Pieces.Select(p => (p.Piece, (double)p.Score)).ToList(), proto.UnkId, proto.ByteFallback),
            2 => new BpeModel(vocab,
                new ScoredMerges(proto.Pieces.Select(p => (p.Piece, p.Score, p.Type is PieceType.Normal or PieceType.UserDefined)).ToList(), vocab),
                proto.Pieces[proto.UnkId].Piece, byteFallback: proto.ByteFallback, fuseUnk: true),
            _ => throw new TokenizerException(file, "trainer_spec.model_type", $"model type {proto.ModelType} is not supported (1 = Unigram and 2 = BPE are)."),
        };

        var added = new List<AddedToken>(config.AddedTokens);
        var seen = new HashSet<int>(added.Select(t => t.Id));
        for (var i = 0; i < proto.Pieces.Count; i++)
        {
            var p = proto.Pieces[i];
            if (seen.Contains(i)) continue;
            if (p.Type is PieceType.Control or PieceType.Unknown) added.Add(new AddedToken(i, p.Piece, Special: true));
            else if (p.Type is PieceType.UserDefined) added.Add(new AddedToken(i, p.Piece, Special: false));
        }

        var decoders = new List<IDecoder> { new ReplaceDecoder(Pattern.Literal(Space), " "), new ByteFallbackDecoder(), new FuseDecoder() };
        if (proto.AddDummyPrefix) decoders.Add(new StripDecoder(' ', 1, 0));
        return new PipelineTokenizer(model, normalizer, null, BuildPostProcessor(config, vocab, file), new SequenceDecoder(decoders), added);
    }

    private static INormalizer? BuildNormalizer(SentencePieceModelProto proto, string file)
    {
        var stages = new List<INormalizer>();
        if (proto.NormalizerName != "identity" && proto.PrecompiledCharsmap.Length > 0)
            stages.Add(new PrecompiledNormalizer(proto.PrecompiledCharsmap, file, "normalizer_spec.precompiled_charsmap"));
        if (proto.RemoveExtraWhitespaces)
        {
            stages.Add(new ReplaceNormalizer(Pattern.FromRegex(@"\A +| +\z"), ""));
            stages.Add(new ReplaceNormalizer(Pattern.FromRegex(" {2,}"), " "));
        }
        if (proto.AddDummyPrefix) stages.Add(new PrependNormalizer(Space));
        if (proto.EscapeWhitespaces) stages.Add(new ReplaceNormalizer(Pattern.Literal(" "), Space));
        return stages.Count == 0 ? null : new SequenceNormalizer(stages);
    }

    private static IPostProcessor? BuildPostProcessor(TokenizerConfig config, Vocabulary vocab, string file)
    {
        var bos = config.Special("bos_token") ?? "<s>";
        var eos = config.Special("eos_token") ?? "</s>";
        var addBos = config.AddBosToken ?? true;
        var addEos = config.AddEosToken ?? false;
        var specials = new Dictionary<string, (int[], string[])>();
        var single = new List<TemplatePiece>();
        var pair = new List<TemplatePiece>();
        if (addBos)
        {
            var id = vocab[bos] ?? throw new TokenizerException(file, "bos_token", $"\"{bos}\" is not a piece of the model.");
            specials[bos] = ([id], [bos]);
        }
        if (addEos)
        {
            var id = vocab[eos] ?? throw new TokenizerException(file, "eos_token", $"\"{eos}\" is not a piece of the model.");
            specials[eos] = ([id], [eos]);
        }
        foreach (var (seq, type) in new[] { ("A", 0), ("B", 1) })
        {
            var target = seq == "A" ? single : pair;
            if (seq == "B") pair.AddRange(single);
            if (addBos) target.Add(new TemplatePiece(true, bos, type));
            target.Add(new TemplatePiece(false, seq, type));
            if (addEos) target.Add(new TemplatePiece(true, eos, type));
        }
        return new TemplateProcessing(single, pair, specials);
    }
}
