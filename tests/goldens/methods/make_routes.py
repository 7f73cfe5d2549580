"""Writes tests/goldens/methods/routes.json: information-flow routes (Ferrando & Voita 2024) as the
authors' LLM Transparency Tool computes them — its routes/contributions.py and routes/graph.py
(build_full_graph as the library calls it by default, then build_paths_to_predictions with the app's default threshold), run
read-only — on GPT-2 and LLaMA checkpoints run by transformers.

The tool reads a model through its TransparentLlm interface (TransformerLens in the tool). Here a
small adapter serves that interface from transformers' modules: residual_in = hidden_states[l],
residual_after_attn = hidden_states[l] + attention output (a forward hook), residual_out = the
layer's output before any final norm, ffn_out = the MLP's output, decomposed_attn[i, j, h] =
A[h, i, j] · f_h(x_j) with f_h the head's value through its slice of the output projection; the
adapter checks that the parts sum back to the residual. einops, jaxtyping and typeguard are absent
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


class Adapter:
    """TransparentLlm's reading methods, served from one transformers forward with hooks."""

    def __init__(self, model, kind, ids):
        self.kind = kind
        layers = model.transformer.h if kind == "gpt2" else model.model.layers
        self.n_layers = len(layers)
        mids, posts, ffn, values = [], [], [], []
        hooks = []
        for layer in layers:
            attn = layer.attn if kind == "gpt2" else layer.self_attn
            mlp = layer.mlp
            hooks.append(attn.register_forward_hook(lambda m, i, o: mids.append(o[0].detach())))
            hooks.append(mlp.register_forward_hook(lambda m, i, o: ffn.append(o.detach())))
            hooks.append(layer.register_forward_hook(lambda m, i, o: posts.append((o[0] if isinstance(o, tuple) else o).detach())))
            norm = layer.ln_1 if kind == "gpt2" else layer.input_layernorm
            hooks.append(norm.register_forward_hook(lambda m, i, o: values.append(o.detach())))
        with torch.no_grad():
            out = model(torch.tensor([ids]), output_hidden_states=True, output_attentions=True)
        for h in hooks:
            h.remove()
        self.hidden = [h[0] for h in out.hidden_states]
        self.attn = [a[0] for a in out.attentions]
        self.attn_out = [m[0] for m in mids]
        self.ffn = [f[0] for f in ffn]
        self.post = [p[0] for p in posts]
        self.normed = [v[0] for v in values]
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
                blk = self.model.model.layers[layer].self_attn
                D = blk.head_dim
                v = blk.v_proj(x)
                Hkv = v.shape[-1] // D
                W = blk.o_proj.weight  # (out, in)
                f = torch.stack([v[:, (h * Hkv // H) * D:(h * Hkv // H + 1) * D] @ W[:, h * D:(h + 1) * D].T for h in range(H)])
                bias = blk.o_proj.bias
            parts = torch.einsum("hij,hjc->ijhc", A, f)  # [pos, key_pos, head, d]
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
