using System.Text.RegularExpressions;
using AttentionLens.Tokenizers.Legacy;
using AttentionLens.Tokenizers.PreTokenizers;
using Ml = Microsoft.ML.Tokenizers;

namespace AttentionLens.Tokenizers.Library;

/// <summary>
/// A tiktoken-format tokenizer (Llama 3's original <c>tokenizer.model</c>, OpenAI's encodings), run by
/// Microsoft.ML.Tokenizers' tiktoken engine, whose ids and offsets equal the reference on the GPT-2
/// goldens and a 2.5 MB corpus (<c>MlTokenizersGoldenDifferentialTests</c>). Special tokens are found
/// here, not by the library: its tiktoken engine forgets them once ~10,000 distinct words have gone
/// through its cache (pinned in <c>MlTokenizersCorpusDifferentialTests</c>), so it is built without any
/// and only sees the text between them. Token texts are written in GPT-2's byte alphabet, as the
/// Hugging Face conversion of these files writes them.
/// </summary>
public sealed class TiktokenModelTokenizer : ITokenizer
{
    /// <summary>GPT-2 / r50k / p50k pre-tokenization (openai/gpt-2 encoder.py).</summary>
    private const string Gpt2Pattern = Normalizers.Pattern.Gpt2Regex;

    /// <summary>cl100k_base's pattern, which Llama 3 uses unchanged (meta-llama/llama3 tokenizer.py).</summary>
    private const string Cl100kPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly Ml.TiktokenTokenizer _engine;
    private readonly string[] _tokenTexts;
    private readonly Dictionary<string, int> _textToId = new(StringComparer.Ordinal);
    private readonly AddedToken[] _specials;
    private readonly Dictionary<int, AddedToken> _specialById;
    private readonly int? _bosId;
    private readonly System.Buffers.SearchValues<char> _firstChars;

    private TiktokenModelTokenizer(Ml.TiktokenTokenizer engine, byte[][] ranks, AddedToken[] specials, int? bosId)
    {
        _engine = engine;
        _tokenTexts = new string[ranks.Length];
        for (var id = 0; id < ranks.Length; id++)
        {
            _tokenTexts[id] = string.Create(ranks[id].Length, ranks[id], static (dst, src) =>
            {
                for (var k = 0; k < src.Length; k++) dst[k] = ByteLevelAlphabet.Encode(src[k]);
            });
            _textToId.TryAdd(_tokenTexts[id], id);
        }
        // Longest first, so that leftmost-longest matching is a first-match scan at each position.
        _specials = specials.OrderByDescending(s => s.Content.Length).ToArray();
        _firstChars = System.Buffers.SearchValues.Create(specials.Select(s => s.Content[0]).Distinct().ToArray());
        _specialById = specials.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First());
        _bosId = bosId;
    }

    public int VocabSize => _tokenTexts.Length + _specials.Count(s => s.Id >= _tokenTexts.Length);

    /// <summary>Loads a tiktoken file; special tokens and BOS come from <c>tokenizer_config.json</c>
    /// beside it when it lists them, else from the defaults of the encoding the file's size names.</summary>
    public static TiktokenModelTokenizer Load(string path)
    {
        var file = TiktokenFile.Load(path);
        var config = TokenizerConfig.Load(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var n = file.Tokens.Length;
        var (pattern, defaults, defaultBos) = n switch
        {
            50256 or 50257 or 50280 or 50281 => (Gpt2Pattern, new[] { ("<|endoftext|>", 50256) }, (string?)null),
            100256 => (Cl100kPattern, new[] { ("<|endoftext|>", 100257), ("<|fim_prefix|>", 100258), ("<|fim_middle|>", 100259), ("<|fim_suffix|>", 100260), ("<|endofprompt|>", 100276) }, null),
            128000 => (Cl100kPattern, Llama3Specials(), "<|begin_of_text|>"),
            _ => throw new TokenizerException(path, "",
                $"is a tiktoken file of {n} tokens, which matches no encoding whose pre-tokenization pattern is known (GPT-2: 50256, cl100k: 100256, Llama 3: 128000). " +
                "Use the model's tokenizer.json instead."),
        };
        var specials = config.AddedTokens.Count > 0
            ? config.AddedTokens.Where(t => t.Content.Length > 0).ToArray()
            : defaults.Select(d => new AddedToken(d.Item2, d.Item1, Special: true)).ToArray();
        int? bos = null;
        var bosName = config.Special("bos_token") ?? defaultBos;
        if ((config.AddBosToken ?? defaultBos is not null) && bosName is not null)
            bos = specials.FirstOrDefault(s => s.Content == bosName)?.Id
                  ?? throw new TokenizerException(path, "bos_token", $"names \"{bosName}\", which is not among the special tokens.");
        using var stream = File.OpenRead(path);
        var pre = new Ml.RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant), null);
        var engine = Ml.TiktokenTokenizer.Create(stream, pre, null, null);
        return new TiktokenModelTokenizer(engine, file.Tokens, specials, bos);
    }

    /// <summary>Llama 3's 256 special tokens, numbered from 128000 (meta-llama/llama3 tokenizer.py).</summary>
    private static (string, int)[] Llama3Specials()
    {
        var names = new List<string>
        {
            "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|reserved_special_token_2|>", "<|reserved_special_token_3|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|reserved_special_token_4|>", "<|eot_id|>",
        };
        for (var i = 5; i < 256 - 5; i++) names.Add($"<|reserved_special_token_{i}|>");
        return names.Select((s, k) => (s, 128000 + k)).ToArray();
    }

    public Encoding Encode(string text, string? pair = null, bool addSpecialTokens = true) =>
        Encode(text, pair, addSpecialTokens, CancellationToken.None);

    public Encoding Encode(string text, string? pair, bool addSpecialTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>();
        EncodeSequence(Pipeline.TextSanitizer.ReplaceLoneSurrogates(text), 0, addSpecialTokens, tokens, cancellationToken);
        if (pair is not null) EncodeSequence(Pipeline.TextSanitizer.ReplaceLoneSurrogates(pair), 1, addSpecialTokens, tokens, cancellationToken);
        return new Encoding(tokens.ToArray());
    }

    private void EncodeSequence(string text, int typeId, bool addSpecialTokens, List<Token> output, CancellationToken cancellationToken)
    {
        if (addSpecialTokens && _bosId is int bos) output.Add(new Token(bos, _specialById[bos].Content, new TextRange(0, 0), true, typeId));
        // Special tokens are literal strings matched leftmost-longest, as tiktoken's allowed_special does.
        var last = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var k = _specials.Length == 0 ? -1 : text.AsSpan(i).IndexOfAny(_firstChars);
            if (k < 0) break;
            i += k;
            var special = SpecialAt(text, i);
            if (special is null) continue;
            EncodeOrdinary(text, last, i, typeId, output, cancellationToken);
            output.Add(new Token(special.Id, special.Content, new TextRange(i, i + special.Content.Length), false, typeId));
            i += special.Content.Length - 1;
            last = i + 1;
        }
        EncodeOrdinary(text, last, text.Length, typeId, output, cancellationToken);
    }

    private AddedToken? SpecialAt(string text, int i)
    {
        foreach (var s in _specials)
            if (text[i] == s.Content[0] && string.CompareOrdinal(text, i, s.Content, 0, s.Content.Length) == 0) return s;
        return null;
    }

    private void EncodeOrdinary(string text, int start, int end, int typeId, List<Token> output, CancellationToken cancellationToken)
    {
        if (end <= start) return;
        cancellationToken.ThrowIfCancellationRequested();
        var segment = text.Substring(start, end - start);
        foreach (var t in _engine.EncodeToTokens(segment, out _))
        {
            var (s, e) = (t.Offset.Start.Value, t.Offset.End.Value);
            output.Add(new Token(t.Id, IdToToken(t.Id) ?? t.Value, new TextRange(start + s, start + e), false, typeId));
        }
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var result = new System.Text.StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count > 0) result.Append(_engine.Decode(run));
            run.Clear();
        }
        foreach (var id in ids)
        {
            if (_specialById.TryGetValue(id, out var s))
            {
                Flush();
                if (!(skipSpecialTokens && s.Special)) result.Append(s.Content);
            }
            else if (id >= 0 && id < _tokenTexts.Length)
            {
                run.Add(id);
            }
        }
        Flush();
        return result.ToString();
    }

    public int? TokenToId(string token) =>
        _specials.FirstOrDefault(s => s.Content == token)?.Id ?? (_textToId.TryGetValue(token, out var id) ? id : null);

    public string? IdToToken(int id) =>
        _specialById.TryGetValue(id, out var s) ? s.Content : id >= 0 && id < _tokenTexts.Length ? _tokenTexts[id] : null;
}
