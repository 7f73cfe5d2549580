using System.Text;

namespace AttentionLens.Tests.Server;

/// <summary>Temporary checkpoint-shaped folders (config.json + a tiny valid safetensors) for the fake backend.</summary>
internal sealed class FakeCheckpoints : IDisposable
{
    public FakeCheckpoints()
    {
        Root = Directory.CreateTempSubdirectory("al-server-tests-").FullName;
    }

    public string Root { get; }

    /// <summary>Creates <c>Root/name</c> with a 2-layer config and one 2×3 F32 tensor (6 parameters).</summary>
    public string Add(string name)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"),
            """{"model_type":"llama","architectures":["LlamaForCausalLM"],"num_hidden_layers":2,"num_attention_heads":2}""");
        var header = Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""");
        using var f = File.Create(Path.Combine(dir, "model.safetensors"));
        f.Write(BitConverter.GetBytes((long)header.Length));
        f.Write(header);
        f.Write(new byte[24]);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{}");
        return dir;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
