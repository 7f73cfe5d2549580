"""Writes tests/goldens/methods/logitLens.json: the logit lens as transformers computes it — each layer's
hidden state at the target (output_hidden_states=True) pushed through the model's own final norm and
LM head (GPT-2: transformer.ln_f + lm_head; LLaMA: model.norm + lm_head; BERT masked LM: cls), the last
layer being the model's logits. Top-5 ids and probabilities per layer and the probability of the
finally predicted token.

  . /tmp/hf-reference/env.sh && /usr/bin/python3 tests/goldens/methods/make_logit_lens.py
"""
import json, os
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoModelForMaskedLM

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
K = 5


def ref_ids(path, case):
    return [int(i) for i in load_file(os.path.join(path, "reference", case + ".safetensors"))["input.input_ids"].reshape(-1)]


def demo_ids(path, words, first):
    vocab = json.load(open(os.path.join(path, "tokenizer.json")))["model"]["vocab"]
    return [vocab[first]] + [vocab[w] for w in words.split()]


def lens(model, kind, ids, target):
    with torch.no_grad():
        out = model(torch.tensor([ids]), output_hidden_states=True)
        hs = out.hidden_states
        L = len(hs) - 1
        rows = []
        for l in range(L + 1):
            h = hs[l][0, target]
            if l == L:
                logits = out.logits[0, target]
            elif kind == "gpt2":
                logits = model.lm_head(model.transformer.ln_f(h))
            elif kind == "llama":
                logits = model.lm_head(model.model.norm(h))
            else:
                logits = model.cls(h.unsqueeze(0))[0]
            rows.append(torch.softmax(logits.double(), -1))
    predicted = int(torch.argmax(out.logits[0, target]))
    layers = []
    for l, p in enumerate(rows):
        top = torch.topk(p, K)
        layers.append({"layer": l, "topIds": [int(i) for i in top.indices], "topProbabilities": [float(x) for x in top.values],
                       "predictedProbability": float(p[predicted])})
    return {"predicted": predicted, "layers": layers}


def main():
    cases = {}
    specs = [
        ("gpt2", "../shared/golden/hf/gpt2", "gpt2", lambda p: ref_ids(p, "single")),
        ("llama", "../shared/golden/hf/llama", "llama", lambda p: ref_ids(p, "single")),
        ("bert_mlm", "../shared/golden/hf/bert_mlm", "bert", lambda p: ref_ids(p, "single")),
        ("stories260K", "../shared/models/stories260K", "llama", lambda p: ref_ids(p, "once_upon_a_time")),
        ("demo-gpt2", "models/demo/gpt2", "gpt2", lambda p: demo_ids(p, "the farmer with the student", "<|endoftext|>")),
        ("demo-bert-pretrained", "models/demo/bert-pretrained", "bert",
         lambda p: demo_ids(p, "the farmer with the student laughed", "[CLS]") + [json.load(open(os.path.join(p, "tokenizer.json")))["model"]["vocab"]["[SEP]"]]),
    ]
    for name, rel, kind, get_ids in specs:
        path = os.path.join(ROOT, rel)
        cls = AutoModelForCausalLM if kind in ("gpt2", "llama") else AutoModelForMaskedLM
        model = cls.from_pretrained(path, attn_implementation="eager").eval()
        ids = get_ids(path)
        targets = [len(ids) - 1] if kind != "bert" else [1, len(ids) - 2]
        cases[name] = {"model": rel, "ids": ids, "targets": {str(t): lens(model, kind, ids, t) for t in targets}}
        print(name, len(ids))
    import transformers
    doc = {"method": "logitLens", "generator": "tests/goldens/methods/make_logit_lens.py",
           "transformers": transformers.__version__, "torch": torch.__version__, "k": K, "cases": cases}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "logitLens.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
