using System.CommandLine;
using System.Diagnostics;
using System.Text;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench tokenize`: single-threaded tokenizer throughput in MB/s (UTF-8
/// bytes of input per second), encoding the text line by line. Prints one JSON line.</summary>
internal static class BenchTokenizeCommand
{
    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer") { Required = true, Description = "Checkpoint folder (or tokenizer.json / .model file)." };
        var fileOption = new Option<string?>("--file") { Description = "UTF-8 text to encode (default: 5 MB of generated English-like text)." };
        var command = new Command("tokenize", "Tokenizer throughput in MB/s.");
        command.Options.Add(tokenizerOption);
        command.Options.Add(fileOption);
        command.SetAction(parseResult =>
        {
            try
            {
                var path = parseResult.GetValue(tokenizerOption)!;
                var load = Stopwatch.StartNew();
                var tokenizer = TokenizerLoader.Load(path);
                var loadSeconds = load.Elapsed.TotalSeconds;
                var file = parseResult.GetValue(fileOption);
                var lines = file is null ? GeneratedText(5_000_000) : File.ReadAllLines(file);
                var bytes = lines.Sum(l => (long)System.Text.Encoding.UTF8.GetByteCount(l) + 1);
                // Warm up the JIT (tiered compilation reaches optimized code only after many calls)
                // and the BPE cache with one untimed pass: the figure is the steady state of a
                // long-running server, which is what the Rust library's numbers are too.
                var warmup = Stopwatch.StartNew();
                foreach (var line in lines) tokenizer.Encode(line);
                var firstPassSeconds = warmup.Elapsed.TotalSeconds;
                Thread.Sleep(200);
                long tokens = 0;
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                foreach (var line in lines) tokens += tokenizer.Encode(line).Count;
                var seconds = clock.Elapsed.TotalSeconds;
                process.Refresh();
                // CPU seconds of the whole process (this thread plus GC and JIT): on a shared machine
                // wall time overstates the cost, CPU time does not understate it.
                var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
                var mbPerSecond = bytes / 1e6 / seconds;
                var mbPerCpuSecond = bytes / 1e6 / cpuSeconds;
                Console.Out.WriteLine(
                    $"{{\"bench\":\"tokenize\",\"tokenizer\":\"{Path.GetFileName(Path.TrimEndingDirectorySeparator(path))}\",\"bytes\":{bytes},\"lines\":{lines.Length}," +
                    $"\"tokens\":{tokens},\"seconds\":{seconds:F3},\"mb_per_s\":{mbPerSecond:F2},\"cpu_seconds\":{cpuSeconds:F3},\"mb_per_cpu_s\":{mbPerCpuSecond:F2},\"first_pass_mb_per_s\":{bytes / 1e6 / firstPassSeconds:F2},\"load_seconds\":{loadSeconds:F3},\"threads\":1}}");
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
