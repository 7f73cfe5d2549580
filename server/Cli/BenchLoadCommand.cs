using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench load`: what loading a checkpoint costs in memory and time. With
/// <c>--write-random DIR</c> it first writes a checkpoint of random weights to measure against:
/// BERT-base fp32 (the default <c>--shape bert-base</c>, 440 MB) or a Llama shape
/// (<c>--shape llama-small|llama-1b|llama-8b --dtype bf16|f16|f32</c>, see
/// <see cref="RandomCheckpointWriter"/>; <c>--tokenizer-from DIR</c> copies tokenizer files beside it).
/// With <c>--model DIR</c> it loads the checkpoint (and its tokenizer, when it has one) in this fresh
/// process, runs one forward of <c>--tokens</c> tokens without logits, and prints one JSON line:
/// the file size, the load time, from /proc/self/status the resident memory after loading and after
/// the forward — RssAnon (private memory the process allocated) and RssFile (pages of the mapped
/// file, which the kernel may drop and re-read) — and VmHWM (peak resident), and the budget
/// estimate made beforehand from config.json and headers (<see cref="ModelMemoryEstimate"/>) beside
/// the measured growth (peak minus the resident memory before loading).
/// </summary>
internal static class BenchLoadCommand
{
    public static Command Create()
    {
        var command = new Command("load", "Memory and time of loading a checkpoint (JSON line).");
        var model = new Option<string?>("--model") { Description = "Checkpoint folder to load." };
        var write = new Option<string?>("--write-random") { Description = "Write a random checkpoint (--shape, --dtype) into this folder and exit." };
        var shape = new Option<string>("--shape") { Description = "bert-base (fp32), llama-small, llama-1b or llama-8b.", DefaultValueFactory = _ => "bert-base" };
        var dtype = new Option<string>("--dtype") { Description = "Llama shapes: bf16, f16 or f32.", DefaultValueFactory = _ => "bf16" };
        var tokenizerFrom = new Option<string?>("--tokenizer-from") { Description = "Copy tokenizer files from this folder into the written checkpoint." };
        var tokens = new Option<int>("--tokens") { Description = "Tokens of the forward after loading.", DefaultValueFactory = _ => 128 };
        command.Options.Add(model);
        command.Options.Add(write);
        command.Options.Add(shape);
        command.Options.Add(dtype);
        command.Options.Add(tokenizerFrom);
        command.Options.Add(tokens);
        command.SetAction(parse =>
        {
            if (parse.GetValue(write) is { Length: > 0 } dir)
            {
                string shapeName = parse.GetValue(shape)!;
                long bytes;
                if (shapeName == "bert-base") bytes = WriteRandomBertBase(dir);
                else if (RandomCheckpointWriter.Shape(shapeName) is { } llama)
                {
                    var type = parse.GetValue(dtype) switch { "f32" => SafetensorsDType.F32, "f16" => SafetensorsDType.F16, "bf16" => SafetensorsDType.BF16, _ => (SafetensorsDType?)null };
                    if (type is null)
                    {
                        Console.Error.WriteLine("--dtype: choose bf16, f16 or f32.");
                        return 2;
                    }
                    bytes = RandomCheckpointWriter.Write(dir, llama, type.Value, parse.GetValue(tokenizerFrom));
                }
                else
                {
                    Console.Error.WriteLine($"--shape {shapeName}: choose bert-base, llama-small, llama-1b or llama-8b.");
                    return 2;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"bench\":\"load\",\"wrote\":{JsonString(dir)},\"file_bytes\":{bytes}}}"));
                return 0;
            }

            if (parse.GetValue(model) is not { Length: > 0 } path)
            {
                Console.Error.WriteLine("Give --model DIR (a checkpoint to load) or --write-random DIR.");
                return 2;
            }

            try
            {
                Measure(path, Math.Max(1, parse.GetValue(tokens)));
                return 0;
            }
            catch (AttentionLensException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static void Measure(string dir, int tokens)
    {
        long fileBytes = Directory.EnumerateFiles(dir, "*.safetensors").Sum(f => new FileInfo(f).Length);
        var estimate = ModelMemoryEstimate.ForCheckpoint(dir);
        var before = ReadStatus();
        var sw = Stopwatch.StartNew();
        if (CheckpointSummary.HasTokenizerFiles(dir)) GC.KeepAlive(Tokenizers.TokenizerLoader.Load(dir));
        var model = ModelLoader.Load(dir);
        double loadMs = sw.Elapsed.TotalMilliseconds;
        var loaded = ReadStatus();
        int t = Math.Min(tokens, model.Info.MaxPositions);
        sw.Restart();
        model.Forward(new ForwardInput(Enumerable.Range(0, t).Select(i => (i * 7 + 1) % model.Info.VocabSize).ToArray()), new ForwardOptions { ComputeLogits = false });
        double forwardMs = sw.Elapsed.TotalMilliseconds;
        var forward = ReadStatus();
        GC.KeepAlive(model);
        double Mb(long b) => b / 1048576.0;
        long grown = forward.Peak - (before.Anon + before.File);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"load\",\"model\":{JsonString(dir)},\"file_mb\":{Mb(fileBytes):F1},\"load_ms\":{loadMs:F1},\"first_forward_ms\":{forwardMs:F1}," +
            $"\"after_load\":{{\"rss_anon_mb\":{Mb(loaded.Anon - before.Anon):F1},\"rss_file_mb\":{Mb(loaded.File - before.File):F1}}}," +
            $"\"after_forward_{t}\":{{\"rss_anon_mb\":{Mb(forward.Anon - before.Anon):F1},\"rss_file_mb\":{Mb(forward.File - before.File):F1}}}," +
            $"\"peak_rss_mb\":{Mb(forward.Peak):F1},\"peak_per_file\":{(double)forward.Peak / Math.Max(1, fileBytes):F3}," +
            $"\"grown_mb\":{Mb(grown):F1},\"estimate_mb\":{Mb(estimate.TotalBytes):F1},\"estimate_per_grown\":{(double)estimate.TotalBytes / Math.Max(1, grown):F3}," +
            $"\"private_after_load_per_file\":{(double)(loaded.Anon - before.Anon) / Math.Max(1, fileBytes):F3}}}"));
    }

    private readonly record struct Status(long Anon, long File, long Peak);

    /// <summary>RssAnon, RssFile and VmHWM from /proc/self/status (Linux), in bytes; elsewhere the
    /// runtime's private bytes and peak working set stand in (no file-page split).</summary>
    private static Status ReadStatus()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            using var p = Process.GetCurrentProcess();
            return new Status(p.PrivateMemorySize64, 0, p.PeakWorkingSet64);
        }
        long anon = 0, file = 0, peak = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
        }
        return new Status(anon, file, peak);

        static long Kb(string line) => long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>BertModel tensors in the Hugging Face names and the default (base) sizes, weights
    /// uniform in ±0.05, LayerNorm weights 1: values do not matter here, sizes do.</summary>
    private static long WriteRandomBertBase(string dir)
    {
        var c = new Models.Bert.BertConfig();
        int h = c.HiddenSize, f = c.IntermediateSize;
        var shapes = new List<(string Name, long[] Shape)>
        {
            ("embeddings.word_embeddings.weight", [c.VocabSize, h]),
            ("embeddings.position_embeddings.weight", [c.MaxPositionEmbeddings, h]),
            ("embeddings.token_type_embeddings.weight", [c.TypeVocabSize, h]),
            ("embeddings.LayerNorm.weight", [h]), ("embeddings.LayerNorm.bias", [h]),
            ("pooler.dense.weight", [h, h]), ("pooler.dense.bias", [h]),
        };
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"encoder.layer.{l}.";
            foreach (var proj in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                shapes.AddRange([(p + proj + ".weight", [h, h]), (p + proj + ".bias", [h])]);
            shapes.AddRange([
                (p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h]),
                (p + "intermediate.dense.weight", [f, h]), (p + "intermediate.dense.bias", [f]),
                (p + "output.dense.weight", [h, f]), (p + "output.dense.bias", [h]),
                (p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h])]);
        }

        var rng = new Random(0);
        var entries = shapes.Select(s =>
        {
            var values = new float[s.Shape.Aggregate(1L, (a, b) => a * b)];
            bool norm = s.Name.EndsWith("LayerNorm.weight", StringComparison.Ordinal);
            for (int i = 0; i < values.Length; i++) values[i] = norm ? 1f : (float)(rng.NextDouble() - 0.5) * 0.1f;
            return SafetensorsEntry.Float32(s.Name, s.Shape, values);
        }).ToList();
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "model.safetensors");
        SafetensorsWriter.Write(file, entries);
        using (var stream = File.Create(Path.Combine(dir, "config.json")))
        using (var json = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue("BertModel");
            json.WriteEndArray();
            json.WriteString("model_type", "bert");
            json.WriteNumber("vocab_size", c.VocabSize);
            json.WriteNumber("hidden_size", h);
            json.WriteNumber("num_hidden_layers", c.NumHiddenLayers);
            json.WriteNumber("num_attention_heads", c.NumAttentionHeads);
            json.WriteNumber("intermediate_size", f);
            json.WriteString("hidden_act", "gelu");
            json.WriteNumber("max_position_embeddings", c.MaxPositionEmbeddings);
            json.WriteNumber("type_vocab_size", c.TypeVocabSize);
            json.WriteNumber("layer_norm_eps", c.LayerNormEps);
            json.WriteString("torch_dtype", "float32");
            json.WriteEndObject();
        }
        return new FileInfo(file).Length;
    }

    private static string JsonString(string s) => "\"" + System.Text.Json.JsonEncodedText.Encode(s).ToString() + "\"";
}
