using AttentionLens.Tokenizers.Decoders;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Builds the runtime decoder from the <c>decoder</c> section.</summary>
public static class DecoderBuilder
{
    private static readonly string[] Known = ["WordPiece", "ByteLevel", "Metaspace", "ByteFallback", "Fuse", "Strip", "Replace", "BPEDecoder", "Sequence"];

    public static IDecoder? Build(JsonSection? section)
    {
        if (section is not { } s || s.IsNull) return null;
        return s.Type switch
        {
            "WordPiece" => new WordPieceDecoder(s.GetStringOrNull("prefix") ?? "##", s.GetBool("cleanup", true)),
            "ByteLevel" => new ByteLevelDecoder(),
            "Metaspace" => new MetaspaceDecoder(s.GetStringOrNull("replacement") ?? "\u2581", PreTokenizerBuilder.ReadPrependScheme(s)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => BuildStrip(s),
            "Replace" => new ReplaceDecoder(PatternBuilder.Build(s.Get("pattern")), s.GetString("content")),
            "BPEDecoder" => new BpeDecoder(s.GetStringOrNull("suffix") ?? "</w>"),
            "Sequence" => new SequenceDecoder(s.Get("decoders").Items().Select(i => Build(i)!).ToList()),
            _ => throw s.UnknownType(Known),
        };
    }

    private static StripDecoder BuildStrip(JsonSection s)
    {
        var content = s.GetString("content");
        if (content.Length != 1) throw s.Error("content", "must be one character.");
        return new StripDecoder(content[0], s.GetInt("start", 0), s.GetInt("stop", 0));
    }
}
