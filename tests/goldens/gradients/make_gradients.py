"""Reference gradients for the backward pass (issue 13), made with PyTorch autograd through the real `transformers`.

Run from the repository root (never hand-edit the output):
    . /tmp/hf-reference/env.sh && /usr/bin/python3 tests/goldens/gradients/make_gradients.py

For every entry of MODELS it loads the checkpoint with its architecture's class (eager attention, float32:
bf16/f16 checkpoints are upcast on load), draws T input ids (never the pad token, so the sequence classifiers
read the last token both ways and RoBERTa's positions match), takes inputs_embeds = the word-embedding rows
of those ids as a leaf with requires_grad, runs the model with output_attentions=True, calls retain_grad() on
every returned attention tensor, and for every target computes y and y.backward(). A target reads one output
vector z of the head (a logit row at a position, the classifier's labels, or QA start/end logits over the
positions): "logit" y = z[i] with i the argmax, "logprob" y = log_softmax(z)[i], "contrast" y = z[i] - z[b]
with b the runner-up. The "scaled" target repeats "logit" from 0.5 * inputs_embeds (what integrated gradients
feeds), to check GradientOptions.InputsEmbeds.

Writes <name>.safetensors (input_ids, inputs_embeds, attentions [L, H, T, T], and per target
grad_inputs_embeds.<t> [T, C] and grad_attentions.<t> [L, H, T, T]) and manifest.json (versions, models,
targets with their values).
"""
import json
import os
import sys

import torch
import transformers
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))

# name -> (checkpoint folder, tokens, position for LM / token heads)
MODELS = {
    "gpt2": (os.path.join(SHARED, "golden/hf/gpt2"), 8, 7),
    "gpt2_fp16": (os.path.join(SHARED, "golden/hf/gpt2_fp16"), 8, 7),
    "gpt2_demo": (os.path.join(ROOT, "models/demo/gpt2"), 9, 8),
    "gpt2_seqcls": (os.path.join(ROOT, "tests/goldens/decoders/gpt2_seqcls"), 8, 7),
    "gpt2_tokcls": (os.path.join(ROOT, "tests/goldens/decoders/gpt2_tokcls"), 8, 3),
    "gpt2_qa": (os.path.join(ROOT, "tests/goldens/decoders/gpt2_qa"), 8, 0),
    "bert_mlm": (os.path.join(SHARED, "golden/hf/bert_mlm"), 8, 3),
    "bert_mlm_small": (os.path.join(ROOT, "tests/goldens/encoders/bert_mlm"), 8, 3),
    "bert_seqcls": (os.path.join(ROOT, "tests/goldens/encoders/bert_seqcls"), 8, 0),
    "bert_tokcls": (os.path.join(ROOT, "tests/goldens/encoders/bert_tokcls"), 8, 3),
    "bert_qa": (os.path.join(ROOT, "tests/goldens/encoders/bert_qa"), 8, 0),
    "bert_demo": (os.path.join(ROOT, "models/demo/bert-finetuned"), 9, 0),
    "llama": (os.path.join(SHARED, "golden/hf/llama"), 8, 7),
    "llama_bf16": (os.path.join(SHARED, "golden/hf/llama_bf16"), 8, 7),
    "stories260K": (os.path.join(SHARED, "models/stories260K"), 12, 11),
    "llama_seqcls": (os.path.join(ROOT, "tests/goldens/decoders/llama_seqcls"), 8, 7),
    "llama_tokcls": (os.path.join(ROOT, "tests/goldens/decoders/llama_tokcls"), 8, 3),
    "llama_qa": (os.path.join(ROOT, "tests/goldens/decoders/llama_qa"), 8, 0),
    "mistral": (os.path.join(ROOT, "tests/goldens/decoders/mistral"), 8, 7),
    "qwen2": (os.path.join(ROOT, "tests/goldens/decoders/qwen2"), 8, 7),
    "roberta_mlm": (os.path.join(ROOT, "tests/goldens/encoders/roberta_mlm"), 8, 3),
    "roberta_seqcls": (os.path.join(ROOT, "tests/goldens/encoders/roberta_seqcls"), 8, 0),
    "xlm_roberta_tokcls": (os.path.join(ROOT, "tests/goldens/encoders/xlm_roberta_tokcls"), 8, 3),
    "electra_seqcls": (os.path.join(ROOT, "tests/goldens/encoders/electra_seqcls"), 8, 0),
    "electra_mlm": (os.path.join(ROOT, "tests/goldens/encoders/electra_mlm"), 8, 3),
    "distilbert_mlm": (os.path.join(ROOT, "tests/goldens/encoders/distilbert_mlm"), 8, 3),
    "distilbert_seqcls": (os.path.join(ROOT, "tests/goldens/encoders/distilbert_seqcls"), 8, 0),
    "distilbert_qa": (os.path.join(ROOT, "tests/goldens/encoders/distilbert_qa"), 8, 0),
    "gpt_neox": (os.path.join(ROOT, "tests/goldens/decoders/gpt_neox"), 8, 7),
    "gpt_neox_sequential": (os.path.join(ROOT, "tests/goldens/decoders/gpt_neox_sequential"), 8, 7),
    "gpt_neox_qa": (os.path.join(ROOT, "tests/goldens/decoders/gpt_neox_qa"), 8, 0),
    "phi": (os.path.join(ROOT, "tests/goldens/decoders/phi"), 8, 7),
    "phi_seqcls": (os.path.join(ROOT, "tests/goldens/decoders/phi_seqcls"), 8, 7),
    "phi3": (os.path.join(ROOT, "tests/goldens/decoders/phi3"), 8, 7),
    "phi3_longrope": (os.path.join(ROOT, "tests/goldens/decoders/phi3_longrope"), 8, 7),
    "gemma": (os.path.join(ROOT, "tests/goldens/decoders/gemma"), 8, 7),
    "gemma_tokcls": (os.path.join(ROOT, "tests/goldens/decoders/gemma_tokcls"), 8, 3),
    "olmo2": (os.path.join(ROOT, "tests/goldens/decoders/olmo2"), 8, 7),
    "opt": (os.path.join(ROOT, "tests/goldens/decoders/opt"), 8, 7),
    "opt_post_ln_proj": (os.path.join(ROOT, "tests/goldens/decoders/opt_post_ln_proj"), 8, 7),
    "opt_seqcls": (os.path.join(ROOT, "tests/goldens/decoders/opt_seqcls"), 8, 7),
    "opt_qa": (os.path.join(ROOT, "tests/goldens/decoders/opt_qa"), 8, 0),
    # 12 tokens: past gemma2's sliding_window of 8, so the local layers mask.
    "gemma2": (os.path.join(ROOT, "tests/goldens/decoders/gemma2"), 12, 11),
    "gemma2_seqcls": (os.path.join(ROOT, "tests/goldens/decoders/gemma2_seqcls"), 12, 11),
    "albert_mlm": (os.path.join(ROOT, "tests/goldens/encoders/albert_mlm"), 8, 3),
    "albert_seqcls": (os.path.join(ROOT, "tests/goldens/encoders/albert_seqcls"), 8, 0),
    "albert_qa": (os.path.join(ROOT, "tests/goldens/encoders/albert_qa"), 8, 0),
    "deberta_v2_mlm": (os.path.join(ROOT, "tests/goldens/encoders/deberta_v2_mlm"), 8, 3),
    "deberta_v2_seqcls": (os.path.join(ROOT, "tests/goldens/encoders/deberta_v2_seqcls"), 8, 0),
    "deberta_v2_tokcls": (os.path.join(ROOT, "tests/goldens/encoders/deberta_v2_tokcls"), 8, 3),
    "deberta_v2_qa": (os.path.join(ROOT, "tests/goldens/encoders/deberta_v2_qa"), 8, 0),
    # Right padding: the last PADDED tokens have attention_mask 0 (the target reads a real token).
    "gpt2_padded": (os.path.join(SHARED, "golden/hf/gpt2"), 8, 5),
    "bert_seqcls_padded": (os.path.join(ROOT, "tests/goldens/encoders/bert_seqcls"), 8, 0),
    "llama_padded": (os.path.join(SHARED, "golden/hf/llama"), 8, 5),
    "deberta_v2_tokcls_padded": (os.path.join(ROOT, "tests/goldens/encoders/deberta_v2_tokcls"), 8, 3),
}
PADDED = 2

SEED = 4321


def head_kind(arch):
    if arch.endswith("ForCausalLM") or arch.endswith("LMHeadModel"):
        return "LmLogits"
    if arch.endswith("ForMaskedLM"):
        return "LmLogits"
    if arch.endswith("ForSequenceClassification"):
        return "ClassifierLogits"
    if arch.endswith("ForTokenClassification"):
        return "TokenClassifierLogits"
    if arch.endswith("ForQuestionAnswering"):
        return "QaStartLogits"
    raise SystemExit(f"no gradient target for {arch}")


def output_vector(out, kind, position):
    """z: the output vector a target reads."""
    if kind == "LmLogits":
        return out.logits[0, position]
    if kind == "ClassifierLogits":
        return out.logits[0]
    if kind == "TokenClassifierLogits":
        return out.logits[0, position]
    if kind == "QaStartLogits":
        return out.start_logits[0]
    if kind == "QaEndLogits":
        return out.end_logits[0]
    raise ValueError(kind)


def extra_args(model):
    """Gemma 2 without its generation cache (HybridCache needs torch._dynamo, absent from torch 1.13)."""
    return {"use_cache": False} if model.config.model_type == "gemma2" else {}


def run(model, mask, embeds, kind, position, target):
    """One forward + backward: returns y, grad_inputs_embeds, attentions, grad_attentions."""
    leaf = embeds.detach().clone().requires_grad_(True)
    out = model(inputs_embeds=leaf, attention_mask=mask, output_attentions=True, **extra_args(model))
    for a in out.attentions:
        a.retain_grad()
    z = output_vector(out, kind, position)
    i, b, mode = target
    if mode == "logprob":
        y = torch.log_softmax(z, dim=-1)[i]
    elif mode == "contrast":
        y = z[i] - z[b]
    else:
        y = z[i]
    y.backward()
    attn = torch.stack([a[0] for a in out.attentions])
    grad_attn = torch.stack([a.grad[0] for a in out.attentions])
    return float(y), leaf.grad[0].detach().clone(), attn.detach(), grad_attn.detach()


def main():
    torch.manual_seed(SEED)
    manifest = {
        "generator": "make_gradients.py",
        "reference": "PyTorch autograd through transformers (eager attention, float32)",
        "versions": {"python": sys.version.split()[0], "transformers": transformers.__version__, "torch": torch.__version__},
        "conventions": {
            "inputs_embeds": "[T, C] word-embedding rows of input_ids (HF inputs_embeds)",
            "attentions": "[L, H, T, T] post-softmax probabilities",
            "grad_attentions": "[L, H, T, T] grad of the returned attentions tensors (retain_grad)",
        },
        "models": {},
    }
    for name, (folder, tokens, position) in MODELS.items():
        config = transformers.AutoConfig.from_pretrained(folder)
        arch = config.architectures[0]
        cls = getattr(transformers, arch)
        model = cls.from_pretrained(folder, torch_dtype=torch.float32, attn_implementation="eager").eval()
        kinds = [head_kind(arch)] + (["QaEndLogits"] if arch.endswith("ForQuestionAnswering") else [])
        pad = getattr(config, "pad_token_id", None)
        gen = torch.Generator().manual_seed(SEED + len(name))
        low = 3
        ids = torch.randint(low, config.vocab_size, (1, tokens), generator=gen)
        if pad is not None:
            ids[ids == pad] = low + 1 if pad != low + 1 else low + 2
        embeds = model.get_input_embeddings()(ids).detach()
        mask = torch.ones_like(ids)
        tensors = {"input_ids": ids[0].to(torch.int64).contiguous(), "inputs_embeds": embeds[0].contiguous()}
        if name.endswith("_padded"):
            mask[0, -PADDED:] = 0
            tensors["attention_mask"] = mask[0].to(torch.int64).contiguous()
        targets = []
        attentions = None
        for kind in kinds:
            with torch.no_grad():
                out = model(input_ids=ids, attention_mask=mask, **extra_args(model))
            z = output_vector(out, kind, position)
            order = torch.argsort(z, descending=True)
            top, second = int(order[0]), int(order[1])
            qa = kind.startswith("Qa")
            modes = ["logit", "logprob", "contrast"] + (["scaled"] if kind == kinds[0] else [])
            for mode in modes:
                tname = f"{kind}.{mode}"
                pos = top if qa else position
                feed = embeds * 0.5 if mode == "scaled" else embeds
                y, g, attn, ga = run(model, mask, feed, kind, position, (top, second, "logit" if mode == "scaled" else mode))
                if attentions is None and mode != "scaled":
                    attentions = attn
                    tensors["attentions"] = attn.contiguous()
                if mode == "scaled":
                    tensors["attentions.scaled"] = attn.contiguous()
                tensors[f"grad_inputs_embeds.{tname}"] = g.contiguous()
                tensors[f"grad_attentions.{tname}"] = ga.contiguous()
                targets.append({
                    "name": tname, "output": kind, "position": pos,
                    "index": 0 if qa else top,
                    "contrast": (second if mode == "contrast" else None),
                    "log_probability": mode == "logprob",
                    "inputs_embeds_scale": 0.5 if mode == "scaled" else 1.0,
                    "value": y,
                })
        save_file(tensors, os.path.join(HERE, f"{name}.safetensors"))
        manifest["models"][name] = {
            "dir": os.path.relpath(folder, ROOT), "architecture": arch, "tokens": tokens,
            "layers": int(attentions.shape[0]), "heads": int(attentions.shape[1]), "hidden": int(embeds.shape[-1]),
            "targets": targets,
        }
        print(name, arch, len(targets), "targets")
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
