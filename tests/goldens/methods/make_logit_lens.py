"""Writes tests/goldens/methods/logitLens.json: the logit lens as transformers computes it — each layer's
hidden state at the target (output_hidden_states=True) pushed through the model's own final norm and
LM head (GPT-2: transformer.ln_f + lm_head; LLaMA, Mistral, Qwen2, Phi-3, Gemma, OLMo 2: model.norm + lm_head;
GPT-NeoX: gpt_neox.final_layer_norm + embed_out; Phi: model.final_layernorm + lm_head; OPT: decoder.final_layer_norm
(none when do_layer_norm_before is false: post-norm layers end normed, and transformers' last hidden state is the
last layer's output through project_out alone) + decoder.project_out where present + lm_head; Gemma 2: model.norm +
lm_head + final_logit_softcapping; BERT masked LM: cls), the last layer being the model's logits (transformers'
last hidden state is already after the final norm, so it is not normed again). Top-5 ids and probabilities per layer and the probability of the
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


def decoder_head(model, h):
    """The path transformers' last hidden state takes to the logits, from one earlier layer's state."""
    t = model.config.model_type
    if t == "gpt_neox":
        return model.embed_out(model.gpt_neox.final_layer_norm(h))
    if t == "opt":
        d = model.model.decoder
        if d.final_layer_norm is not None:
            h = d.final_layer_norm(h)
        if d.project_out is not None:
            h = d.project_out(h)
        return model.lm_head(h)
    if t == "phi":
        return model.lm_head(model.model.final_layernorm(h))
    logits = model.lm_head(model.model.norm(h))
    cap = getattr(model.config, "final_logit_softcapping", None)
    if cap is not None:
        logits = torch.tanh(logits / cap) * cap
    return logits


def lens(model, kind, ids, target):
    with torch.no_grad():
        # use_cache=False: Gemma 2's HybridCache needs torch._dynamo, which Debian's torch 1.13 lacks.
        extra = {"use_cache": False} if kind == "decoder" else {}
        out = model(torch.tensor([ids]), output_hidden_states=True, **extra)
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
            elif kind == "decoder":
                logits = decoder_head(model, h)
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
    # The causal-LM decoder goldens (tests/goldens/decoders, written by its make_goldens.py) on their "single" input.
    for d in ["gpt_neox", "gpt_neox_sequential", "opt", "opt_post_ln_proj", "phi", "phi3", "gemma", "gemma2", "olmo2", "mistral", "qwen2"]:
        specs.append((d, "tests/goldens/decoders/" + d, "decoder", lambda p: ref_ids(p, "single")))
    for name, rel, kind, get_ids in specs:
        path = os.path.join(ROOT, rel)
        cls = AutoModelForCausalLM if kind in ("gpt2", "llama", "decoder") else AutoModelForMaskedLM
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
