"""Writes tests/goldens/methods/routes.json: information-flow routes (Ferrando & Voita 2024) as the
authors' LLM Transparency Tool computes them — its routes/contributions.py and routes/graph.py
(build_full_graph as the library calls it by default, then build_paths_to_predictions with the app's default threshold), run
read-only — on checkpoints of every decoder family we read, run by transformers: GPT-2, LLaMA, Mistral,
Qwen2, GPT-NeoX (parallel and sequential residual), OPT (pre-norm), Phi, Phi-3, Gemma, Gemma 2, OLMo 2.

The tool reads a model through its TransparentLlm interface (TransformerLens in the tool). Here a
small adapter serves that interface from transformers' modules: residual_in = hidden_states[l],
residual_after_attn = hidden_states[l] + attention output (a forward hook), residual_out = the
layer's output before any final norm, ffn_out = the MLP's output, decomposed_attn[i, j, h] =
A[h, i, j] · f_h(x_j) with f_h the head's value through its slice of the output projection; the
adapter checks that the parts sum back to the residual.

Per family the adapter knows where the value projection, the output projection and the norm feeding
the attention lie (FAMILIES below). Three kinds of layer need a word:
  * parallel blocks (GPT-NeoX use_parallel_residual, Phi: y = x + attn(ln(x)) + mlp(ln'(x))): the tool
    reads a "residual after attention"; here it is x + attention output, so that the layer output is
    that state + the MLP output, as in a sequential block (the MLP itself read x);
  * OPT has no MLP module: its FFN output is the layer output minus the state after attention;
  * a norm after the attention (Gemma 2's and OLMo 2's post_attention_layernorm): what enters the
    stream is RMSNorm(a) = g ⊙ a / rms(a); each part of a is carried through it with rms fixed to the
    real output's (linear, no centring, so the parts still sum to what is added). The tool, written
    for pre-norm models, has no such step; this is our extension, and the C# side does the same.
Post-norm OPT (do_layer_norm_before = false) has no residual stream to decompose and is left out. einops, jaxtyping and typeguard are absent
here; minimal stand-ins for the calls the two files make are defined below.

  . /tmp/hf-reference/env.sh
  /usr/bin/python3 tests/goldens/methods/make_routes.py --lmtt /path/to/llm-transparency-tool [--commit SHA]
"""
import argparse, importlib, importlib.machinery, json, os, sys, types

import torch
import transformers  # noqa: F401
from transformers import AutoModelForCausalLM
from safetensors.torch import load_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
THRESHOLD = 0.04  # the tool's default contribution threshold
# build_full_graph is called with its library default, renormalizing_threshold=None: the tool's
# "renormalize after threshold" path divides each FFN contribution by the sum over *all* tokens
# (apply_threshold_and_renormalize sums over an empty dim tuple, which torch reads as every dim),
# which is not the per-representation renormalisation its docstring states; docs/methods.md#routes.


def stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None)
    sys.modules[name] = m
    return m


def rearrange(x, pattern):
    """The two einops patterns contributions.py uses."""
    src, dst = [s.split() for s in pattern.split("->")]
    return x.permute(*[src.index(d) for d in dst])


class _Sub:
    def __getitem__(self, item):
        return torch.Tensor


def install_shims():
    stub("einops", rearrange=rearrange)
    stub("jaxtyping", Float=_Sub())
    stub("typeguard", typechecked=lambda f: f)
    stub("llm_transparency_tool.models")
    stub("llm_transparency_tool.models.transparent_llm", TransparentLlm=object)


def _rms_gain(norm, a):
    """The factor an RMSNorm applies to each element of a's rows with their statistics fixed."""
    eps = getattr(norm, "eps", None) or getattr(norm, "variance_epsilon")
    weight = norm.weight + 1 if type(norm).__name__.startswith("Gemma") else norm.weight
    return weight * torch.rsqrt(a.pow(2).mean(-1, keepdim=True) + eps)


def _gqa_f(v, W, H, D):
    """f_h(x_j) = v_j^{g(h)} W_O[:, h] for query head h reading key/value head g(h) = h·Hkv/H: [H, T, C]."""
    Hkv = v.shape[-1] // D
    return torch.stack([v[:, (h * Hkv // H) * D:(h * Hkv // H + 1) * D] @ W[:, h * D:(h + 1) * D].T for h in range(H)])


def _neox_values(attn, x, H, D):
    qkv = attn.query_key_value(x).view(x.shape[0], H, 3 * D)  # per head [q | k | v]
    return qkv[:, :, 2 * D:].reshape(x.shape[0], H * D)


def _phi3_values(attn, x, H, D):
    Hkv = attn.num_key_value_heads
    return attn.qkv_proj(x)[:, (H + Hkv) * D:]


# family: (layers, attention, mlp (None: layer output − mid), input norm (None: the attention reads x),
#          post-attention norm (None: none), value projection, output projection)
LLAMA = (lambda m: m.model.layers, lambda L: L.self_attn, lambda L: L.mlp, lambda L: L.input_layernorm, None,
         lambda a, x, H, D: a.v_proj(x), lambda a: a.o_proj)
FAMILIES = {
    "gpt2": None,  # Conv1D weights, handled in decomposed_attn
    "llama": LLAMA, "mistral": LLAMA, "qwen2": LLAMA, "gemma": LLAMA,
    "phi3": (LLAMA[0], LLAMA[1], LLAMA[2], LLAMA[3], None, _phi3_values, lambda a: a.o_proj),
    "gemma2": (LLAMA[0], LLAMA[1], LLAMA[2], LLAMA[3], lambda L: L.post_attention_layernorm, LLAMA[5], LLAMA[6]),
    "olmo2": (LLAMA[0], LLAMA[1], LLAMA[2], None, lambda L: L.post_attention_layernorm, LLAMA[5], LLAMA[6]),
    "phi": (LLAMA[0], LLAMA[1], LLAMA[2], LLAMA[3], None, lambda a, x, H, D: a.v_proj(x), lambda a: a.dense),
    "gpt_neox": (lambda m: m.gpt_neox.layers, lambda L: L.attention, lambda L: L.mlp, lambda L: L.input_layernorm, None,
                 _neox_values, lambda a: a.dense),
    "opt": (lambda m: m.model.decoder.layers, lambda L: L.self_attn, None, lambda L: L.self_attn_layer_norm, None,
            lambda a, x, H, D: a.v_proj(x), lambda a: a.out_proj),
}


class Adapter:
    """TransparentLlm's reading methods, served from one transformers forward with hooks."""

    def __init__(self, model, kind, ids):
        self.kind = kind
        self.spec = FAMILIES[kind]
        if kind == "gpt2":
            layers = model.transformer.h
            parts = (lambda L: L.attn, lambda L: L.mlp, lambda L: L.ln_1, None)
        else:
            layers = self.spec[0](model)
            parts = self.spec[1:5]
        self.n_layers = len(layers)
        attn_outs, posts, ffn, values, added = {}, {}, {}, {}, {}
        hooks = []
        for l, layer in enumerate(layers):
            attn, mlp, norm, post_norm = (f(layer) if f else None for f in parts)
            hooks.append(attn.register_forward_hook(lambda m, i, o, l=l: attn_outs.__setitem__(l, o[0].detach())))
            # What the FFN block adds: the MLP's output, or that through a post-feedforward norm (Gemma 2, OLMo 2).
            mlp = getattr(layer, "post_feedforward_layernorm", mlp)
            if mlp is not None:
                hooks.append(mlp.register_forward_hook(lambda m, i, o, l=l: ffn.__setitem__(l, o.detach())))
            hooks.append(layer.register_forward_hook(lambda m, i, o, l=l: posts.__setitem__(l, (o[0] if isinstance(o, tuple) else o).detach())))
            if norm is not None:
                hooks.append(norm.register_forward_hook(lambda m, i, o, l=l: values.__setitem__(l, o.detach())))
            if post_norm is not None:
                hooks.append(post_norm.register_forward_hook(lambda m, i, o, l=l: added.__setitem__(l, o.detach())))
        # Shim: OPT builds its causal mask with torch.full(..., finfo(float64).min) in the default dtype,
        # which overflows float32 under torch 1.13; the default dtype follows the (float64) model there.
        default = torch.get_default_dtype()
        if kind == "opt":
            torch.set_default_dtype(torch.float64)
        try:
            with torch.no_grad():
                # use_cache=False: one pass, no generation cache (Gemma 2's hybrid cache needs torch._dynamo).
                out = model(torch.tensor([ids]), output_hidden_states=True, output_attentions=True, use_cache=False)
        finally:
            torch.set_default_dtype(default)
        for h in hooks:
            h.remove()
        self.hidden = [h[0] for h in out.hidden_states]
        self.attn = [a[0] for a in out.attentions]
        self.raw_attn_out = [attn_outs[l][0] for l in range(self.n_layers)]
        # What the attention block adds to the stream: its output, or that through the post-attention norm.
        self.attn_out = [(added[l] if l in added else attn_outs[l])[0] for l in range(self.n_layers)]
        self.post = [posts[l][0] for l in range(self.n_layers)]
        mids = [self.hidden[l] + self.attn_out[l] for l in range(self.n_layers)]
        self.ffn = [ffn[l][0] if l in ffn else self.post[l] - mids[l] for l in range(self.n_layers)]
        for l in range(self.n_layers):
            assert torch.allclose(mids[l] + self.ffn[l], self.post[l], atol=1e-9), "layer output is not mid + FFN output"
        # The attention's input: the input norm's output, or the layer input itself (OLMo 2).
        self.normed = [values[l][0] if l in values else self.hidden[l] for l in range(self.n_layers)]
        self.post_norms = [parts[3](layers[l]) if parts[3] else None for l in range(self.n_layers)]
        self.layers = layers
        self.model = model
        self.T = len(ids)
        self.ids = ids

    def model_info(self):
        return types.SimpleNamespace(n_layers=self.n_layers)

    def tokens(self):
        return [torch.tensor(self.ids)]

    def residual_in(self, layer):
        return self.hidden[layer].unsqueeze(0)

    def residual_after_attn(self, layer):
        return (self.hidden[layer] + self.attn_out[layer]).unsqueeze(0)

    def residual_out(self, layer):
        return self.post[layer].unsqueeze(0)

    def ffn_out(self, layer):
        return self.ffn[layer].unsqueeze(0)

    def decomposed_attn(self, batch_i, layer):
        x = self.normed[layer]
        A = self.attn[layer]  # [H, T, T]
        H = A.shape[0]
        with torch.no_grad():
            if self.kind == "gpt2":
                blk = self.model.transformer.h[layer].attn
                C = x.shape[-1]
                v = blk.c_attn(x)[:, 2 * C:]
                D = C // H
                W = blk.c_proj.weight  # Conv1D: (in, out)
                f = torch.stack([v[:, h * D:(h + 1) * D] @ W[h * D:(h + 1) * D, :] for h in range(H)])  # [H, T, C]
                bias = blk.c_proj.bias
            else:
                blk = self.spec[1](self.layers[layer])
                o = self.spec[6](blk)
                D = o.weight.shape[1] // H
                f = _gqa_f(self.spec[5](blk, x, H, D), o.weight, H, D)
                bias = o.bias
            parts = torch.einsum("hij,hjc->ijhc", A, f)  # [pos, key_pos, head, d]
            norm = self.post_norms[layer]
            if norm is not None:
                gain = _rms_gain(norm, self.raw_attn_out[layer])  # [pos, d]
                parts = parts * gain[:, None, None, :]
                bias = bias * gain if bias is not None else None
            total = parts.sum(dim=(1, 2)) + (bias if bias is not None else 0)
            assert torch.allclose(total, self.attn_out[layer], atol=1e-4), "decomposition does not sum to the attention output"
        return parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lmtt", required=True)
    ap.add_argument("--commit", default=None)
    a = ap.parse_args()
    install_shims()
    sys.path.insert(0, a.lmtt)
    graph = importlib.import_module("llm_transparency_tool.routes.graph")
    specs = [
        ("gpt2", "../shared/golden/hf/gpt2", "gpt2", "single"),
        ("llama", "../shared/golden/hf/llama", "llama", "single"),
        ("stories260K", "../shared/models/stories260K", "llama", "once_upon_a_time"),
        ("demo-gpt2", "models/demo/gpt2", "gpt2", None),
        ("mistral", "tests/goldens/decoders/mistral", "mistral", "single"),
        ("qwen2", "tests/goldens/decoders/qwen2", "qwen2", "single"),
        ("gpt_neox", "tests/goldens/decoders/gpt_neox", "gpt_neox", "single"),
        ("gpt_neox_sequential", "tests/goldens/decoders/gpt_neox_sequential", "gpt_neox", "single"),
        ("opt", "tests/goldens/decoders/opt", "opt", "single"),
        ("phi", "tests/goldens/decoders/phi", "phi", "single"),
        ("phi3", "tests/goldens/decoders/phi3", "phi3", "single"),
        ("gemma", "tests/goldens/decoders/gemma", "gemma", "single"),
        ("gemma2", "tests/goldens/decoders/gemma2", "gemma2", "single"),
        ("olmo2", "tests/goldens/decoders/olmo2", "olmo2", "single"),
    ]
    cases = {}
    for name, rel, kind, case in specs:
        path = os.path.join(ROOT, rel)
        # float64: the contributions subtract two L1 norms of similar size (‖y‖₁ − ‖y − part‖₁), which
        # in float32 leaves ~1e-5 of rounding in the weights; the tool's code is precision-agnostic.
        model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="eager").eval().double()
        if case:
            ids = [int(i) for i in load_file(os.path.join(path, "reference", case + ".safetensors"))["input.input_ids"].reshape(-1)]
        else:
            vocab = json.load(open(os.path.join(path, "tokenizer.json")))["model"]["vocab"]
            ids = [vocab["<|endoftext|>"]] + [vocab[w] for w in "the farmer with the student".split()]
        llm = Adapter(model, kind, ids)
        full = graph.build_full_graph(llm, 0)
        targets = {}
        for target in (len(ids) - 1, len(ids) // 2):
            tree = graph.build_paths_to_predictions(full, llm.n_layers, len(ids), [target], THRESHOLD)[0]
            targets[str(target)] = sorted([u, v, float(d["weight"])] for u, v, d in tree.edges(data=True))
        cases[name] = {"model": rel, "ids": ids, "targets": targets}
        print(name, {t: len(e) for t, e in targets.items()})
    doc = {"method": "routes", "source": "facebookresearch/llm-transparency-tool", "commit": a.commit,
           "generator": "tests/goldens/methods/make_routes.py", "threshold": THRESHOLD, "torch": torch.__version__, "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "routes.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
