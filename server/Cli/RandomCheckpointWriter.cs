using System.Buffers.Binary;
using System.Text.Json;
using AttentionLens.Checkpoints;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// Writes Llama-shaped checkpoints of random weights for the memory and load benchmarks:
/// config.json and model.safetensors in the Hugging Face names (model.embed_tokens, model.layers.N.…,
/// model.norm, lm_head when untied), matrices uniform with standard deviation 0.02 in the chosen
/// dtype, norm gains 1. The file is streamed tensor by tensor, so an 8B-shape checkpoint (16 GB)
/// is written without holding it in memory. Tokenizer files can be copied beside it so that
/// <c>analyze</c> runs on it (a smaller vocabulary than the model's is fine: its ids stay in range).
/// </summary>
internal static class RandomCheckpointWriter
{
    /// <summary>The shapes: the presets llama-1b and llama-8b, and llama-small (C 512, 8 layers, 8/4
    /// heads, F 2048, V 32000, tied; about 48M parameters) for tests.</summary>
    public static Models.Llama.LlamaConfig? Shape(string name) => name == "llama-small"
        ? new Models.Llama.LlamaConfig
        {
            VocabSize = 32000, HiddenSize = 512, IntermediateSize = 2048, NumHiddenLayers = 8, NumAttentionHeads = 8,
            NumKeyValueHeads = 4, MaxPositionEmbeddings = 4096, RmsNormEps = 1e-5, RopeTheta = 500000, TieWordEmbeddings = true,
        }
        : ModelPresets.LlamaShape(name);

    /// <returns>The size of model.safetensors in bytes.</returns>
    public static long Write(string dir, Models.Llama.LlamaConfig c, SafetensorsDType dtype, string? tokenizerFrom)
    {
        if (dtype is not (SafetensorsDType.F32 or SafetensorsDType.BF16 or SafetensorsDType.F16))
            throw new ArgumentException("dtype must be F32, BF16 or F16.", nameof(dtype));
        int h = c.HiddenSize, f = c.IntermediateSize, kv = c.KeyValueHeads * c.HeadDim, q = c.NumAttentionHeads * c.HeadDim;
        var tensors = new List<(string Name, SafetensorsDType DType, long[] Shape)> { ("model.embed_tokens.weight", dtype, [c.VocabSize, h]) };
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"model.layers.{l}.";
            tensors.AddRange([
                (p + "self_attn.q_proj.weight", dtype, [q, h]), (p + "self_attn.k_proj.weight", dtype, [kv, h]),
                (p + "self_attn.v_proj.weight", dtype, [kv, h]), (p + "self_attn.o_proj.weight", dtype, [h, q]),
                (p + "mlp.gate_proj.weight", dtype, [f, h]), (p + "mlp.up_proj.weight", dtype, [f, h]), (p + "mlp.down_proj.weight", dtype, [h, f]),
                (p + "input_layernorm.weight", dtype, [h]), (p + "post_attention_layernorm.weight", dtype, [h])]);
        }
        tensors.Add(("model.norm.weight", dtype, [h]));
        if (!c.TieWordEmbeddings) tensors.Add(("lm_head.weight", dtype, [c.VocabSize, h]));

        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "model.safetensors");
        SafetensorsWriter.Write(file, tensors, (i, stream) => WriteTensor(stream, tensors[i].Shape, dtype, (ulong)i + 1, gains: tensors[i].Shape.Length == 1));
        WriteConfig(Path.Combine(dir, "config.json"), c, dtype);
        if (tokenizerFrom is not null)
            foreach (var name in new[] { "tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt" })
                if (File.Exists(Path.Combine(tokenizerFrom, name))) File.Copy(Path.Combine(tokenizerFrom, name), Path.Combine(dir, name), overwrite: true);
        return new FileInfo(file).Length;
    }

    /// <summary>Streams one tensor in 1 MiB pieces: gains 1, else xorshift64* uniform on ±0.02·√3.</summary>
    private static void WriteTensor(Stream stream, long[] shape, SafetensorsDType dtype, ulong seed, bool gains)
    {
        long count = shape.Aggregate(1L, (a, d) => a * d);
        int size = SafetensorsDTypes.ElementSize(dtype);
        var buffer = new byte[1 << 20];
        ulong state = 0x9E3779B97F4A7C15UL * seed;
        const float halfWidth = 0.02f * 1.7320508f;
        for (long done = 0; done < count;)
        {
            int n = (int)Math.Min(buffer.Length / size, count - done);
            for (int i = 0; i < n; i++)
            {
                float x = 1f;
                if (!gains)
                {
                    state ^= state >> 12;
                    state ^= state << 25;
                    state ^= state >> 27;
                    x = (2f * (((state * 2685821657736338717UL) >> 40) * (1f / (1 << 24))) - 1f) * halfWidth;
                }
                var span = buffer.AsSpan(i * size, size);
                switch (dtype)
                {
                    case SafetensorsDType.F32: BinaryPrimitives.WriteSingleLittleEndian(span, x); break;
                    case SafetensorsDType.F16: BinaryPrimitives.WriteHalfLittleEndian(span, (Half)x); break;
                    default:
                        uint bits = BitConverter.SingleToUInt32Bits(x);
                        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16));
                        break;
                }
            }
            stream.Write(buffer, 0, n * size);
            done += n;
        }
    }

    private static void WriteConfig(string path, Models.Llama.LlamaConfig c, SafetensorsDType dtype)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("architectures");
        json.WriteStringValue("LlamaForCausalLM");
        json.WriteEndArray();
        json.WriteString("model_type", "llama");
        json.WriteNumber("vocab_size", c.VocabSize);
        json.WriteNumber("hidden_size", c.HiddenSize);
        json.WriteNumber("intermediate_size", c.IntermediateSize);
        json.WriteNumber("num_hidden_layers", c.NumHiddenLayers);
        json.WriteNumber("num_attention_heads", c.NumAttentionHeads);
        json.WriteNumber("num_key_value_heads", c.KeyValueHeads);
        json.WriteNumber("max_position_embeddings", c.MaxPositionEmbeddings);
        json.WriteNumber("rms_norm_eps", c.RmsNormEps);
        json.WriteNumber("rope_theta", c.RopeTheta);
        json.WriteBoolean("tie_word_embeddings", c.TieWordEmbeddings);
        json.WriteString("hidden_act", "silu");
        json.WriteString("torch_dtype", dtype switch { SafetensorsDType.F32 => "float32", SafetensorsDType.F16 => "float16", _ => "bfloat16" });
        json.WriteEndObject();
    }
}
