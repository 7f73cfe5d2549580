"""Writes tests/goldens/methods/globenc.definition.json and valueZeroing.definition.json: GlobEnc
(Modarressi et al. 2022) and value zeroing (Mohebbi et al. 2023) on DeBERTa-v2, where the authors'
code cannot run.

Why a separate reference: the authors' GlobEnc and value-zeroing code are modified copies of
transformers' modeling_bert.py (the norms are computed inside their BertAttention/BertLayer, the zeroing
is an argument of their BertSelfAttention), and DeBERTa's disentangled attention is not BERT's
attention, so their code cannot be pointed at a DeBERTa model (make_goldens.py runs it on every family
whose layer is BERT's). This script applies the same definitions, step for step as their code
computes them, to transformers' own DeBERTa-v2 modules, read through forward hooks:
  GlobEnc, per layer: f_h(x_j) = v_j^h W_O^h from the value projection's output and the output
  dense weight; v_ij = Σ_h A_h[i, j] f_h(x_j) + δ_ij x_i; each v_ij centred and divided by
  √(var(pre-LN₁ state_i) + ε₁), times γ₁; then centred, divided by √(var(pre-LN₂ state_i) + ε₂),
  times γ₂; N_ij its L2 norm; G = N_L ⋯ N_1 (their einsum "ijk,ikm->ijm").
  Value zeroing, per layer l and token t: the model is run again with the value projection's output
  row t of layer l set to zero (bias included) — layers before l are unchanged, so layer l sees its
  original input — and C_l[i, t] = cosine distance (1 − cos, clipped to [0, 2], as scikit-learn
  computes it) between position i's new and original layer output; rows normalised; rolled out
  without identity (their compute_joint_attention(res=False)).
DeBERTa's context is still Σ_j A_ij v_j (relative positions enter the scores only), so v_ij above is
its attention block exactly; the script asserts that the parts sum to the real pre-LayerNorm state.

Self-check: the same code runs on the BERT golden and must equal the authors' goldens there
(globenc.json, valueZeroing.json, case "bert") to 1e-6 — it reproduces their code where both run.

  . /tmp/hf-reference/env.sh
  /usr/bin/python3 tests/goldens/methods/make_definitions.py
"""
import json, os

import numpy as np
import torch
import transformers  # noqa: F401
from transformers import AutoModel
from safetensors.torch import load_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("deberta-v2", "tests/goldens/encoders/deberta_v2"),
    ("deberta-v2-variant", "tests/goldens/encoders/deberta_v2_variant"),
]


def ids_of(path):
    return [int(i) for i in load_file(os.path.join(path, "reference", "single.safetensors"))["input.input_ids"].reshape(-1)]


class Parts:
    """Where each module GlobEnc and value zeroing read lives, per family."""
    def __init__(self, model):
        kind = model.config.model_type
        self.layers = model.encoder.layer
        self.value = lambda l: self.layers[l].attention.self.value_proj if kind == "deberta-v2" else self.layers[l].attention.self.value
        self.dense = lambda l: self.layers[l].attention.output.dense
        self.ln1 = lambda l: self.layers[l].attention.output.LayerNorm
        self.ln2 = lambda l: self.layers[l].output.LayerNorm


def run(model, ids, hooks=()):
    batch = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
    handles = [module.register_forward_hook(fn) for module, fn in hooks]
    try:
        with torch.no_grad():
            return model(**batch, output_hidden_states=True, output_attentions=True)
    finally:
        for h in handles:
            h.remove()


@torch.no_grad()
def globenc(model, ids):
    parts = Parts(model)
    L, T = model.config.num_hidden_layers, len(ids)
    H = model.config.num_attention_heads
    values, pre1, pre2 = {}, {}, {}
    hooks = []
    for l in range(L):
        hooks.append((parts.value(l), lambda m, i, o, l=l: values.__setitem__(l, o[0].detach())))
        hooks.append((parts.ln1(l), lambda m, i, o, l=l: pre1.__setitem__(l, i[0][0].detach())))
        hooks.append((parts.ln2(l), lambda m, i, o, l=l: pre2.__setitem__(l, i[0][0].detach())))
    out = run(model, ids, hooks)
    G = None
    for l in range(L):
        x = out.hidden_states[l][0]                       # (T, C) the layer's input
        A = out.attentions[l][0]                          # (H, T, T)
        C = x.shape[-1]
        D = C // H
        V = values[l].view(T, H, D).permute(1, 0, 2)      # (H, T, D)
        W = parts.dense(l).weight.view(C, H, D)           # (C_out, H, D)
        f = torch.einsum("hsv,dhv->hsd", V, W)            # f_h(x_j) (H, T, C)
        v = torch.einsum("hks,hsd->ksd", A, f) + torch.einsum("sk,sd->skd", torch.eye(T), x)  # (T, T, C)
        # The parts and the output bias are the real pre-LN₁ state.
        assert torch.allclose(v.sum(1) + parts.dense(l).bias, pre1[l], atol=1e-4), "decomposition does not sum to the attention block"
        ln1, ln2 = parts.ln1(l), parts.ln2(l)
        var1 = (pre1[l] - pre1[l].mean(-1, keepdim=True)).pow(2).mean(-1, keepdim=True).unsqueeze(1)
        p = (v - v.mean(-1, keepdim=True)) / (var1 + ln1.eps) ** 0.5 * ln1.weight
        var2 = (pre2[l] - pre2[l].mean(-1, keepdim=True)).pow(2).mean(-1, keepdim=True).unsqueeze(1)
        q = (p - p.mean(-1, keepdim=True)) / (var2 + ln2.eps) ** 0.5 * ln2.weight
        N = torch.norm(q, dim=-1)                         # (T, T)
        G = N if G is None else N @ G
    return G.numpy().astype(float)


def cosine_distances(x, y):
    x = np.asarray(x, dtype=np.float64); y = np.asarray(y, dtype=np.float64)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True); yn = y / np.linalg.norm(y, axis=1, keepdims=True)
    return np.clip(1 - xn @ yn.T, 0, 2)


def value_zeroing(model, ids):
    parts = Parts(model)
    L, T = model.config.num_hidden_layers, len(ids)
    original = run(model, ids).hidden_states
    scores = np.zeros((L, T, T))
    for l in range(L):
        for t in range(T):
            def zero(m, i, o, t=t):
                o = o.clone()
                o[:, t, :] = 0
                return o
            changed = run(model, ids, [(parts.value(l), zero)]).hidden_states[l + 1][0].numpy()
            scores[l, :, t] = cosine_distances(changed, original[l + 1][0].numpy()).diagonal()
    scores = scores / scores.sum(-1, keepdims=True)
    joint = np.zeros_like(scores)
    joint[0] = scores[0]
    for l in range(1, L):
        joint[l] = scores[l].dot(joint[l - 1])
    return joint


def main():
    torch.manual_seed(0)
    # Self-check against the authors' goldens where their code runs (BERT).
    bert_rel = "../shared/golden/hf/bert"
    bert = AutoModel.from_pretrained(os.path.join(ROOT, bert_rel), attn_implementation="eager").eval()
    for method, fn in (("globenc", globenc), ("valueZeroing", value_zeroing)):
        golden = json.load(open(os.path.join(OUT, method + ".json")))["cases"]["bert"]
        got = fn(bert, golden["ids"])
        expected = np.array(golden["rollout"])
        scale = np.abs(expected).max() if method == "globenc" else 1.0
        worst = float(np.abs(got - expected).max() / scale)
        print(f"self-check {method} on bert against the authors' golden: {worst:.2e}")
        assert worst < 1e-6, f"{method}: the definition differs from the authors' code on BERT by {worst}"
    for method, fn in (("globenc", globenc), ("valueZeroing", value_zeroing)):
        cases = {}
        for name, rel in CASES:
            path = os.path.join(ROOT, rel)
            model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
            ids = ids_of(path)
            cases[name] = {"model": rel, "ids": ids, "rollout": fn(model, ids).tolist()}
            print(method, name, np.array(cases[name]["rollout"]).shape)
        doc = {"method": method, "source": "the authors' definition applied to transformers' modules (make_definitions.py)",
               "commit": None, "generator": "tests/goldens/methods/make_definitions.py", "torch": torch.__version__,
               "transformers": transformers.__version__, "cases": cases}
        with open(os.path.join(OUT, f"{method}.definition.json"), "w") as f:
            json.dump(doc, f, indent=None, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
