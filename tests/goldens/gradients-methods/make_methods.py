"""Reference scores of the gradient methods (issue 13), from PyTorch autograd through the real `transformers`.

Run from the repository root (never hand-edit the output):
    . /tmp/hf-reference/env.sh && /usr/bin/python3 tests/goldens/gradients-methods/make_methods.py

For every case it loads a tiny checkpoint with its architecture's class (eager attention), converts it to
float64 (the reference should be exact; ours runs in float32), feeds the word-embedding rows of fixed input
ids as `inputs_embeds` (a leaf with requires_grad), runs with output_attentions=True, calls retain_grad() on
every returned attention tensor and differentiates y, the prediction the analysis explains:
  causal LM  : log_softmax(logits[t])[a], a = argmax (contrast: logits[t][a] - logits[t][b], b = runner-up)
  masked LM  : log_softmax(logits[t])[input_ids[t]]
  classifier : logits[a], a = argmax (contrast: logits[a] - logits[b])
and computes, from the definitions in docs/methods.md:
  saliency            ||dy/de_i||_2
  inputXGradient      sum_c e_ic * dy/de_ic
  integratedGradients sum_c (x - x')_ic * mean_k dy/de_ic(x' + alpha_k (x - x')), alpha_k = (k - 1/2)/m
                      (midpoint rule, m = STEPS), baseline zero or the pad token's row; plus f(x) and f(x')
  attentionXGradient  sum_{l,h,i} A[l,h][i,j] * dy/dA[l,h][i,j] (and per layer)
  gradRollout         Chefer, Gur & Wolf (ICCV 2021) eq. 5-6, computed by the AUTHORS' OWN functions
                      `avg_heads` and `apply_self_attention_rules` from hila-chefer/Transformer-MM-Explainability
                      (lxmert/lxmert/src/ExplanationGenerator.py), imported read-only from the mirror fetched at
                      /work/.mirror/hila-chefer+Transformer-MM-Explainability/repo (set CHEFER_REPO to move it):
                      R = I; per layer R += apply_self_attention_rules(R, R, avg_heads(A, dA))[0]; scores R[t].
Writes methods.json (inputs, targets, values and every method's scores) in this folder.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import torch
import transformers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
CHEFER = os.environ.get("CHEFER_REPO", "/work/.mirror/hila-chefer+Transformer-MM-Explainability/repo")
CHEFER_FILE = "lxmert/lxmert/src/ExplanationGenerator.py"
STEPS = 16

# name -> (checkpoint folder relative to the repository root, head kind, tokens, target position, contrast?, pad-baseline IG?)
CASES = [
    ("gpt2", "../shared/golden/hf/gpt2", "causal", 8, 7, False, False),
    ("gpt2_contrast", "../shared/golden/hf/gpt2", "causal", 8, 7, True, False),
    ("bert_seqcls", "tests/goldens/encoders/bert_seqcls", "classifier", 8, 0, False, True),
    ("bert_seqcls_contrast", "tests/goldens/encoders/bert_seqcls", "classifier", 8, 0, True, False),
    ("bert_mlm", "../shared/golden/hf/bert_mlm", "masked", 8, 3, False, False),
    ("llama", "../shared/golden/hf/llama", "causal", 8, 7, False, False),
]


def chefer_module():
    """The authors' ExplanationGenerator.py at the mirror's HEAD, imported from a temporary copy (read-only use)."""
    commit = subprocess.check_output(["git", "--git-dir", os.path.join(CHEFER, ".git") if os.path.isdir(os.path.join(CHEFER, ".git")) else CHEFER,
                                      "rev-parse", "HEAD"], text=True).strip()
    source = subprocess.check_output(["git", "--git-dir", os.path.join(CHEFER, ".git") if os.path.isdir(os.path.join(CHEFER, ".git")) else CHEFER,
                                      "show", f"HEAD:{CHEFER_FILE}"], text=True)
    path = os.path.join(tempfile.mkdtemp(), "chefer_explanation_generator.py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("chefer_explanation_generator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, commit


def ids_for(config, tokens, seed):
    g = torch.Generator().manual_seed(seed)
    pad = config.pad_token_id
    ids = []
    while len(ids) < tokens:
        v = int(torch.randint(1, config.vocab_size, (1,), generator=g))
        if v != pad:
            ids.append(v)
    return ids


def main():
    chefer, chefer_commit = chefer_module()
    torch.set_grad_enabled(True)
    out = {"transformers": transformers.__version__, "torch": torch.__version__, "steps": STEPS, "rule": "midpoint",
           "chefer_repository": "hila-chefer/Transformer-MM-Explainability", "chefer_commit": chefer_commit, "chefer_file": CHEFER_FILE,
           "cases": {}}
    for seed, (name, rel, kind, tokens, position, contrast, pad_baseline) in enumerate(CASES):
        folder = os.path.normpath(os.path.join(ROOT, rel))
        config = transformers.AutoConfig.from_pretrained(folder)
        cls = getattr(transformers, config.architectures[0])
        model = cls.from_pretrained(folder, attn_implementation="eager").double().eval()
        ids = ids_for(config, tokens, 1000 + (seed // 2) * 7)
        input_ids = torch.tensor([ids])
        table = model.get_input_embeddings().weight.detach()
        x = table[input_ids][0].clone()

        def run(embeds):
            e = embeds.clone().requires_grad_(True)
            o = model(inputs_embeds=e.unsqueeze(0), attention_mask=torch.ones(1, tokens, dtype=torch.long), output_attentions=True)
            for a in o.attentions:
                a.retain_grad()
            return e, o

        def scalar(o, explained, other):
            if kind == "classifier":
                z = o.logits[0]
            else:
                z = o.logits[0, position]
            if other is not None:
                return z[explained] - z[other]
            return z[explained] if kind == "classifier" else torch.log_softmax(z, -1)[explained]

        with torch.no_grad():
            o = model(inputs_embeds=x.unsqueeze(0), attention_mask=torch.ones(1, tokens, dtype=torch.long))
            z = o.logits[0] if kind == "classifier" else o.logits[0, position]
        order = torch.argsort(z, descending=True).tolist()
        explained = ids[position] if kind == "masked" else order[0]
        other = order[1] if contrast else None
        if other == explained:
            other = order[0]

        e, o = run(x)
        y = scalar(o, explained, other)
        y.backward()
        g = e.grad.detach()
        A = [a.detach()[0] for a in o.attentions]          # [H, T, T] per layer
        dA = [a.grad.detach()[0] for a in o.attentions]
        L = len(A)

        saliency = g.norm(dim=-1)
        ixg = (x * g).sum(-1)
        axg_layers = torch.stack([(A[l] * dA[l]).sum(0).sum(0) for l in range(L)])  # sum over heads and query rows
        # Chefer et al. eq. 5-6 with the authors' functions.
        R = torch.eye(tokens, dtype=torch.float64)
        rollout_layers = []
        for l in range(L):
            cam = chefer.avg_heads(A[l].unsqueeze(0), dA[l].unsqueeze(0))
            add, _ = chefer.apply_self_attention_rules(R, R, cam)
            R = R + add
            rollout_layers.append(R[position].clone())
        rollout_layers = torch.stack(rollout_layers)

        ig = {}
        for baseline_name in (["zero", "pad"] if pad_baseline else ["zero"]):
            xb = torch.zeros_like(x) if baseline_name == "zero" else table[config.pad_token_id].expand_as(x).clone()
            total = torch.zeros_like(x)
            for k in range(1, STEPS + 1):
                alpha = (k - 0.5) / STEPS
                ek, ok = run(xb + alpha * (x - xb))
                scalar(ok, explained, other).backward()
                total += ek.grad.detach()
            scores = ((x - xb) * total / STEPS).sum(-1)
            _, ob = run(xb)
            fb = float(scalar(ob, explained, other))
            ig[baseline_name] = {"scores": scores.tolist(), "f_baseline": fb, "f_input": float(y),
                                 "baseline_token_id": None if baseline_name == "zero" else config.pad_token_id}

        out["cases"][name] = {
            "model": rel, "architecture": config.architectures[0], "kind": kind, "input_ids": ids, "target": position,
            "explained": explained, "contrast": other, "value": float(y),
            "saliency": saliency.tolist(), "inputXGradient": ixg.tolist(),
            "attentionXGradient": {"scores": axg_layers.sum(0).tolist(), "byLayer": axg_layers.tolist()},
            "gradRollout": {"scores": rollout_layers[-1].tolist(), "byLayer": rollout_layers.tolist()},
            "integratedGradients": ig,
        }
        print(f"{name}: y = {float(y):.6f}, explained {explained}, contrast {other}, IG gap "
              + ", ".join(f"{b}: {sum(v['scores']) - (v['f_input'] - v['f_baseline']):.2e}" for b, v in ig.items()), file=sys.stderr)
    with open(os.path.join(HERE, "methods.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
