using System.Diagnostics;
using AttentionLens.Generation;
using AttentionLens.Server.Protocol;
using Range = AttentionLens.Server.Protocol.Range;

namespace AttentionLens.Server.Services;

/// <summary>
/// Continues a range of a document with a causal LM, for the server (attentionLens/generate) and
/// the command line (<c>attention-lens generate</c>): resolve and lease the model, tokenize the text
/// as an analysis would (so the continuation's ids can be appended to that analysis's tokens,
/// <see cref="AnalysisRequest.Continuation"/>), run the core's <see cref="Generator"/> with a
/// progress report per token, and return the tokens with their share of the decoded text.
/// </summary>
public sealed class GenerationService(IModelBackend backend, ModelRegistry registry, ModelCache cache, Func<ServerSettings> settings)
{
    public const int DefaultMaxNewTokens = 32;

    public async Task<GenerateResult> GenerateAsync(TextDocument doc, Range range, string modelName, GenerateParams p, AnalysisService.ProgressSink? progress, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var options = Options(p, settings().Generation);
        var path = registry.Resolve(modelName);
        int start = doc.OffsetAt(range.Start), end = doc.OffsetAt(range.End);
        if (end <= start) throw new InvalidParamsException($"range selects no text in the document: select the text to continue.");
        var text = doc.Text[start..end];

        if (progress is not null) await progress("Loading model", 5).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        using var lease = await cache.AcquireAsync(path, null, cancellationToken).ConfigureAwait(false);
        timings["load"] = clock.Elapsed.TotalMilliseconds;
        var model = lease.Model;
        clock.Restart();
        var encoding = model.Tokenizer.Encode(text, null, true, cancellationToken);
        timings["tokenize"] = clock.Elapsed.TotalMilliseconds;
        var limit = settings().MaxTokens ?? AnalysisService.DefaultMaxTokens;
        if (encoding.Count > limit) throw new TooManyTokensException(encoding.Count, limit, modelName);
        if (encoding.Count == 0) throw new InvalidParamsException("the selection gives no tokens.");
        options = options with { StopIds = StopTokens.Read(path, model.Tokenizer) };

        if (progress is not null) await progress($"Generating up to {options.MaxNewTokens} tokens", 10).ConfigureAwait(false);
        clock.Restart();
        var prompt = encoding.Ids;
        var result = await Task.Run(() => backend.Generate(model, prompt, options,
            (step, _) => progress?.Invoke($"{step + 1} of {options.MaxNewTokens} tokens", 10 + 90 * (step + 1) / options.MaxNewTokens), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        timings["generate"] = clock.Elapsed.TotalMilliseconds;

        var (continuation, pieces) = ContinuationText.Decode(model.Tokenizer, prompt, result.NewIds);
        var promptTokens = encoding.Tokens.Select((t, i) => new TokenDto(i, t.Id, t.Text, doc.RangeOf(start + t.Source.Start, start + t.Source.End), t.IsSpecial)).ToList();
        var generated = result.Tokens.Select((t, k) => new GeneratedTokenDto(prompt.Length + k, t.Id, pieces[k], t.Probability)).ToList();
        var info = model.Info;
        var descriptor = new ModelDescriptor(modelName, path, info.Architecture, info.ModelType, info.Layers, info.Heads, info.ParameterCount, info.IsCausal);
        timings["total"] = total.Elapsed.TotalMilliseconds;
        var stopToken = result.StopId is int id ? model.Tokenizer.IdToToken(id) ?? model.Tokenizer.Decode([id], skipSpecialTokens: false) : null;
        return new GenerateResult(descriptor, promptTokens, generated, continuation, StopName(result.Stop), stopToken, result.UsedKeyValueCache,
            result.Seed is ulong seed ? (long)seed : null, timings);
    }

    private static string StopName(GenerationStop stop) => stop switch
    {
        GenerationStop.EndOfText => "endOfText",
        GenerationStop.ContextFull => "contextFull",
        _ => "maxNewTokens",
    };

    /// <summary>The request's options over the <c>generation</c> settings over the defaults, each checked
    /// (-32602 naming the parameter).</summary>
    public static GenerationOptions Options(GenerateParams p, GenerationSettings? s)
    {
        var o = new GenerationOptions
        {
            MaxNewTokens = p.MaxNewTokens ?? s?.MaxNewTokens ?? DefaultMaxNewTokens,
            Temperature = p.Temperature ?? s?.Temperature ?? 0,
            TopP = p.TopP ?? s?.TopP ?? 1,
        };
        Check(o.MaxNewTokens, o.Temperature, o.TopP, p.MaxNewTokens is not null ? "maxNewTokens" : "generation.maxNewTokens",
            p.Temperature is not null ? "temperature" : "generation.temperature", p.TopP is not null ? "topP" : "generation.topP");
        if (p.Seed is < 0) throw new InvalidParamsException($"seed {p.Seed} must be a non-negative integer.");
        return o with { Seed = p.Seed is long seed ? (ulong)seed : null };
    }

    /// <summary>Validates generation settings (the settings object) or parameters, naming the field.</summary>
    public static void Check(int maxNewTokens, double temperature, double topP, string maxName, string temperatureName, string topPName)
    {
        if (maxNewTokens < 1 || maxNewTokens > GenerationOptions.MaxNewTokensLimit)
            throw new InvalidParamsException($"{maxName} {maxNewTokens} must lie in 1..{GenerationOptions.MaxNewTokensLimit}.");
        if (!double.IsFinite(temperature) || temperature < 0 || temperature > 100)
            throw new InvalidParamsException($"{temperatureName} {temperature} must lie in [0, 100] (0 = greedy).");
        if (!double.IsFinite(topP) || topP <= 0 || topP > 1)
            throw new InvalidParamsException($"{topPName} {topP} must lie in (0, 1].");
    }
}
