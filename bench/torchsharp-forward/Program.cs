// The forward pass of ../../../shared/bench/torch_forward.py (BERT-base and GPT-2 sizes, random
// weights, attention probabilities kept), written against TorchSharp so that libtorch can be timed
// from .NET beside `attention-lens bench forward`. Prints one JSON line per case, in the Python
// script's shape: {"model", "tokens", "threads", "median_s", "min_s", "runs", "torch"}.
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

var model = Arg("--model", "bert-base");
var tokens = int.Parse(Arg("--tokens", "128"), CultureInfo.InvariantCulture);
var threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
var runs = int.Parse(Arg("--runs", "5"), CultureInfo.InvariantCulture);
var causal = model switch
{
    "bert-base" => false,
    "gpt2" => true,
    _ => throw new ArgumentException($"--model {model}: expected bert-base or gpt2"),
};
torch.set_num_threads(threads);
const int layers = 12, hidden = 768, heads = 12, ffn = 3072;
var vocab = causal ? 50257 : 30522;

using var noGrad = torch.no_grad();
var g = new Generator(0);
Tensor R(params long[] shape) => torch.randn(shape, generator: g) * 0.02f;
var emb = R(vocab, hidden);
var pos = R(1024, hidden);
var blocks = Enumerable.Range(0, layers).Select(_ => new Block(
    R(3 * hidden, hidden), R(3 * hidden), R(hidden, hidden), R(hidden), torch.ones(hidden), R(hidden),
    R(ffn, hidden), R(ffn), R(hidden, ffn), R(hidden), torch.ones(hidden), R(hidden))).ToArray();
var lnF = (W: torch.ones(hidden), B: R(hidden));
var ids = torch.randint(0, vocab, [tokens], generator: new Generator(1));

Forward(); // warm-up
var times = new List<double>();
for (var r = 0; r < runs; r++)
{
    var clock = Stopwatch.StartNew();
    Forward();
    times.Add(clock.Elapsed.TotalSeconds);
}
var sorted = times.OrderBy(t => t).ToArray();
var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"model\": \"{model}\", \"tokens\": {tokens}, \"threads\": {threads}, \"median_s\": {median}, \"min_s\": {sorted[0]}, \"runs\": [{string.Join(", ", times.Select(t => t.ToString(CultureInfo.InvariantCulture)))}], \"torch\": \"TorchSharp {typeof(torch).Assembly.GetName().Version}\"}}"));
return 0;

void Forward()
{
    using var scope = torch.NewDisposeScope();
    const int d = hidden / heads;
    var t = tokens;
    var x = emb.index_select(0, ids) + pos.narrow(0, 0, t);
    var mask = causal ? torch.full(t, t, float.NegativeInfinity).triu(1) : null;
    var attentions = new List<Tensor>();
    foreach (var p in blocks)
    {
        var h = causal ? F.layer_norm(x, [hidden], p.Ln1W, p.Ln1B) : x;
        var qkv = F.linear(h, p.Qkv, p.QkvB).split(hidden, -1);
        var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
        var s = q.matmul(k.transpose(-1, -2)) / MathF.Sqrt(d);
        if (mask is not null) s = s + mask;
        var a = s.softmax(-1);
        attentions.Add(a);
        var o = F.linear(a.matmul(v).transpose(0, 1).reshape(t, hidden), p.O, p.OB);
        if (causal)
        {
            x = x + o;
            x = x + F.linear(F.gelu(F.linear(F.layer_norm(x, [hidden], p.Ln2W, p.Ln2B), p.Up, p.UpB)), p.Down, p.DownB);
        }
        else
        {
            x = F.layer_norm(x + o, [hidden], p.Ln1W, p.Ln1B);
            x = F.layer_norm(x + F.linear(F.gelu(F.linear(x, p.Up, p.UpB)), p.Down, p.DownB), [hidden], p.Ln2W, p.Ln2B);
        }
    }
    if (causal) x = F.layer_norm(x, [hidden], lnF.W, lnF.B).matmul(emb.T); // tied LM head, as GPT-2
    torch.stack(attentions);

    Tensor Heads(Tensor m) => m.view(t, heads, d).transpose(0, 1);
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

internal sealed record Block(Tensor Qkv, Tensor QkvB, Tensor O, Tensor OB, Tensor Ln1W, Tensor Ln1B,
    Tensor Up, Tensor UpB, Tensor Down, Tensor DownB, Tensor Ln2W, Tensor Ln2B);
