using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench load`: what loading an fp32 checkpoint costs in memory. With
/// <c>--write-random DIR</c> it first writes a BERT-base-size checkpoint of random weights
/// (config.json + model.safetensors, 440 MB) to measure against; with <c>--model DIR</c> it loads a
/// checkpoint in this fresh process and prints one JSON line with the file size and, from
/// /proc/self/status, the resident memory after loading and after a first forward: RssAnon (private
/// memory the process allocated) and RssFile (pages of the mapped file, which the kernel may drop
/// and re-read), plus VmHWM (peak resident). Loading maps F32 tensors without copying, so RssAnon
/// after loading stays far below the file size; the first forward long enough to use packed
/// weights (more than 24 tokens) then adds one packed copy of the weight matrices.
/// </summary>
internal static class BenchLoadCommand
{
    public static Command Create()
    {
        var command = new Command("load", "Memory of loading an fp32 checkpoint (JSON line).");
        var model = new Option<string?>("--model") { Description = "Checkpoint folder to load." };
        var write = new Option<string?>("--write-random") { Description = "Write a random BERT-base fp32 checkpoint into this folder and exit." };
        var tokens = new Option<int>("--tokens") { Description = "Tokens of the forward after loading.", DefaultValueFactory = _ => 128 };
        command.Options.Add(model);
        command.Options.Add(write);
        command.Options.Add(tokens);
        command.SetAction(parse =>
        {
            if (parse.GetValue(write) is { Length: > 0 } dir)
            {
                long bytes = WriteRandomBertBase(dir);
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
        var before = ReadStatus();
        var sw = Stopwatch.StartNew();
        var model = ModelLoader.Load(dir);
        double loadMs = sw.Elapsed.TotalMilliseconds;
        var loaded = ReadStatus();
        int t = Math.Min(tokens, model.Info.MaxPositions);
        model.Forward(new ForwardInput(Enumerable.Range(0, t).Select(i => (i * 7 + 1) % model.Info.VocabSize).ToArray()), new ForwardOptions { ComputeLogits = false });
        var forward = ReadStatus();
        GC.KeepAlive(model);
        double Mb(long b) => b / 1048576.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"load\",\"model\":{JsonString(dir)},\"file_mb\":{Mb(fileBytes):F1},\"load_ms\":{loadMs:F1}," +
            $"\"after_load\":{{\"rss_anon_mb\":{Mb(loaded.Anon - before.Anon):F1},\"rss_file_mb\":{Mb(loaded.File - before.File):F1}}}," +
            $"\"after_forward_{t}\":{{\"rss_anon_mb\":{Mb(forward.Anon - before.Anon):F1},\"rss_file_mb\":{Mb(forward.File - before.File):F1}}}," +
            $"\"peak_rss_mb\":{Mb(forward.Peak):F1},\"private_after_load_per_file\":{(double)(loaded.Anon - before.Anon) / Math.Max(1, fileBytes):F3}}}"));
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

        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
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
