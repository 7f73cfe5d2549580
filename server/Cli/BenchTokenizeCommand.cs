using System.CommandLine;
using System.Diagnostics;
using System.Text;
using AttentionLens.Tokenizers;
using AttentionLens.Tokenizers.Library;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench tokenize`: single-threaded tokenizer throughput in MB/s (UTF-8
/// bytes of input per second), encoding the text line by line, beside Microsoft.ML.Tokenizers on the
/// same lines in the same run (GPT-2-style BPE and BERT folders), with the ratio library time / our
/// time (above 1: ours is faster). Prints one JSON line.</summary>
internal static class BenchTokenizeCommand
{
    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer") { Required = true, Description = "Checkpoint folder (or tokenizer.json / .model file)." };
        var fileOption = new Option<string?>("--file") { Description = "UTF-8 text to encode (default: 5 MB of generated English-like text)." };
        var libraryOption = new Option<bool>("--library") { Description = "Also measure Microsoft.ML.Tokenizers on the same text, interleaved (default: true where it reads the format).", DefaultValueFactory = _ => true };
        var roundsOption = new Option<int>("--rounds") { Description = "Timed rounds of each implementation; the best is reported (default 3).", DefaultValueFactory = _ => 3 };
        var command = new Command("tokenize", "Tokenizer throughput in MB/s, ours and Microsoft.ML.Tokenizers' on the same text.");
        command.Options.Add(tokenizerOption);
        command.Options.Add(fileOption);
        command.Options.Add(libraryOption);
        command.Options.Add(roundsOption);
        command.SetAction(parseResult =>
        {
            try
            {
                var path = parseResult.GetValue(tokenizerOption)!;
                var load = Stopwatch.StartNew();
                var tokenizer = TokenizerLoader.Load(path);
                var loadSeconds = load.Elapsed.TotalSeconds;
                var library = parseResult.GetValue(libraryOption) ? MlTokenizerFactory.Baseline(path) : null;
                var rounds = Math.Max(1, parseResult.GetValue(roundsOption));
                var file = parseResult.GetValue(fileOption);
                var lines = file is null ? GeneratedText(5_000_000) : File.ReadAllLines(file);
                var bytes = lines.Sum(l => (long)System.Text.Encoding.UTF8.GetByteCount(l) + 1);
                // Warm up the JIT (tiered compilation reaches optimized code only after many calls)
                // and the BPE caches with one untimed pass each: the figure is the steady state of a
                // long-running server. The pass also checks the two agree, line by line, on the ids
                // (without special tokens, which the library adds by other rules).
                var warmup = Stopwatch.StartNew();
                foreach (var line in lines) tokenizer.Encode(line);
                var firstPassSeconds = warmup.Elapsed.TotalSeconds;
                var differing = 0;
                if (library is not null)
                    foreach (var line in lines)
                        if (!tokenizer.Encode(line, null, false).Ids.SequenceEqual(library.EncodeToTokens(line, out _).Select(t => t.Id))) differing++;
                Thread.Sleep(200);
                // Interleaved rounds (ours, library, ours, ...) so both see the same machine load;
                // the best round of each is reported.
                long tokens = 0, libraryTokens = 0;
                double seconds = double.MaxValue, librarySeconds = double.MaxValue, cpuSeconds = double.MaxValue, libraryCpuSeconds = double.MaxValue;
                var process = Process.GetCurrentProcess();
                for (var r = 0; r < rounds; r++)
                {
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    tokens = 0;
                    foreach (var line in lines) tokens += tokenizer.Encode(line).Count;
                    seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
                    process.Refresh();
                    // CPU seconds of the whole process (this thread plus GC and JIT): on a shared machine
                    // wall time overstates the cost, CPU time does not understate it.
                    cpuSeconds = Math.Min(cpuSeconds, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
                    if (library is null) continue;
                    process.Refresh();
                    cpuBefore = process.TotalProcessorTime;
                    clock.Restart();
                    libraryTokens = 0;
                    foreach (var line in lines) libraryTokens += library.EncodeToTokens(line, out _).Count;
                    librarySeconds = Math.Min(librarySeconds, clock.Elapsed.TotalSeconds);
                    process.Refresh();
                    libraryCpuSeconds = Math.Min(libraryCpuSeconds, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
                }
                var mbPerSecond = bytes / 1e6 / seconds;
                var mbPerCpuSecond = bytes / 1e6 / cpuSeconds;
                var libraryPart = library is null ? "" :
                    $",\"library\":\"Microsoft.ML.Tokenizers {library.GetType().Name}\",\"library_mb_per_s\":{bytes / 1e6 / librarySeconds:F2},\"library_tokens\":{libraryTokens}," +
                    $"\"library_mb_per_cpu_s\":{bytes / 1e6 / libraryCpuSeconds:F2},\"ratio\":{librarySeconds / seconds:F2},\"cpu_ratio\":{libraryCpuSeconds / cpuSeconds:F2},\"lines_with_different_ids\":{differing}";
                Console.Out.WriteLine(
                    $"{{\"bench\":\"tokenize\",\"tokenizer\":\"{Path.GetFileName(Path.TrimEndingDirectorySeparator(path))}\",\"bytes\":{bytes},\"lines\":{lines.Length}," +
                    $"\"tokens\":{tokens},\"seconds\":{seconds:F3},\"mb_per_s\":{mbPerSecond:F2},\"cpu_seconds\":{cpuSeconds:F3},\"mb_per_cpu_s\":{mbPerCpuSecond:F2},\"first_pass_mb_per_s\":{bytes / 1e6 / firstPassSeconds:F2},\"load_seconds\":{loadSeconds:F3},\"rounds\":{rounds},\"threads\":1{libraryPart}}}");
                return 0;
            }
            catch (AttentionLensException e)
            {
                Console.Error.WriteLine($"bench tokenize: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Deterministic English-like text: sentences of common words with capitals, digits and punctuation.</summary>
    internal static string[] GeneratedText(long targetBytes)
    {
        string[] words =
        [
            "the", "of", "and", "to", "a", "in", "that", "it", "was", "he", "for", "on", "are", "as", "with", "his", "they", "at",
            "be", "this", "from", "have", "or", "by", "one", "had", "not", "but", "what", "all", "were", "when", "we", "there",
            "can", "an", "your", "which", "their", "said", "if", "do", "will", "each", "about", "how", "up", "out", "them",
            "then", "she", "many", "some", "so", "these", "would", "other", "into", "has", "more", "her", "two", "like", "him",
            "see", "time", "could", "no", "make", "than", "first", "been", "its", "who", "now", "people", "my", "made", "over",
            "did", "down", "only", "way", "find", "use", "may", "water", "long", "little", "very", "after", "words", "called",
            "just", "where", "most", "know", "attention", "transformer", "tokenization", "language", "model", "weights",
            "don't", "it's", "they're", "we've", "Lily's", "information", "government", "understanding", "extraordinary",
        ];
        var random = new Random(42);
        var lines = new List<string>();
        var sb = new StringBuilder();
        long total = 0;
        while (total < targetBytes)
        {
            sb.Clear();
            var sentences = 1 + random.Next(4);
            for (var s = 0; s < sentences; s++)
            {
                var n = 6 + random.Next(14);
                for (var i = 0; i < n; i++)
                {
                    var w = words[random.Next(words.Length)];
                    if (i == 0) w = char.ToUpperInvariant(w[0]) + w[1..];
                    if (random.Next(40) == 0) w = random.Next(100000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    sb.Append(w);
                    if (i < n - 1) sb.Append(random.Next(12) == 0 ? ", " : " ");
                }
                sb.Append(random.Next(6) == 0 ? "? " : ". ");
            }
            var line = sb.ToString().TrimEnd();
            lines.Add(line);
            total += line.Length + 1;
        }
        return lines.ToArray();
    }
}
