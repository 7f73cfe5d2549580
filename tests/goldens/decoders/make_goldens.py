"""Reference data for the decoder architectures and their task heads, made with the real `transformers`.

Run from the repository root (never hand-edit the output):
    . /tmp/hf-reference/env.sh && /usr/bin/python3 tests/goldens/decoders/make_goldens.py

For every entry of MODELS it builds a tiny random model (hidden 32, 2 layers, 4 heads, GQA where the
family has it), re-draws every parameter large so attention is far from uniform
(../shared/README.md "golden/hf" conventions), saves it with save_pretrained, reloads it with
from_pretrained and writes, per case, reference/<case>.safetensors with the inputs (`input.*`) and
transformers' outputs: attentions [L, B, H, T, T], hidden_states [L+1, B, T, C] and the head's
outputs under transformers' names (logits, start_logits, end_logits). manifest.json records the
versions, configs, weight shapes, cases and greedy continuations of the LMs.

OPT with project_out: transformers' last hidden state is project_out(h) (word_embed_proj_dim wide),
so `hidden_states[L]` here is project_out's input (captured with a forward hook on the real module)
and transformers' own last entry is stored as `last_hidden_state`.
"""
import inspect
import json
import math
import os
import shutil
import sys

import torch
import transformers
from safetensors.torch import save_file
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = 96
PAD = 0
SEED = 1234

COMMON = dict(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
              max_position_embeddings=128, pad_token_id=PAD, tie_word_embeddings=False)
GQA = dict(num_key_value_heads=2)
LABELS3 = {"id2label": {"0": "negative", "1": "neutral", "2": "positive"}, "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
TAGS5 = {"id2label": {str(i): n for i, n in enumerate(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])},
         "label2id": {n: i for i, n in enumerate(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])}}

NEOX = dict(COMMON, rotary_pct=0.25, rotary_emb_base=10000, hidden_act="gelu", use_parallel_residual=True,
            attention_bias=True, layer_norm_eps=1e-5)
NEOX.pop("tie_word_embeddings")
OPT = dict(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, ffn_dim=64,
           max_position_embeddings=128, pad_token_id=PAD, word_embed_proj_dim=32, do_layer_norm_before=True,
           activation_function="relu", enable_bias=True)
PHI = dict(COMMON, partial_rotary_factor=0.5, hidden_act="gelu_new", layer_norm_eps=1e-5, **GQA)
GEMMA = dict(COMMON, head_dim=16, hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True, **GQA)
GEMMA2 = dict(COMMON, head_dim=16, hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True,
              query_pre_attn_scalar=16, sliding_window=8, attn_logit_softcapping=5.0, final_logit_softcapping=3.0,
              cache_implementation=None, **GQA)
PHI3 = dict(COMMON, original_max_position_embeddings=128, sliding_window=None, **GQA)
PHI3_LONG = dict(PHI3, original_max_position_embeddings=32,
                 rope_scaling={"type": "longrope", "short_factor": [1.0, 1.1, 1.3, 1.6], "long_factor": [1.0, 2.0, 3.5, 6.0]})
MISTRAL = dict(COMMON, sliding_window=16, **GQA)
OLMO2 = dict(COMMON, **GQA)
QWEN2 = dict(COMMON, **GQA)
GPT2 = dict(vocab_size=VOCAB, n_positions=128, n_embd=32, n_layer=2, n_head=4, pad_token_id=PAD,
            resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
LLAMA = dict(COMMON, **GQA)

LM_CASES = ["single", "random_long", "batch_padding_right"]
# Heads run every case too; random_long comes last so that adding it left the inputs (and files) of the
# first two cases unchanged (one input generator per model draws the cases in this order).
HEAD_CASES = ["single", "batch_padding_right", "random_long"]

# name -> (config class, model class, config kwargs, cases)
MODELS = {
    "gpt_neox": ("GPTNeoXConfig", "GPTNeoXForCausalLM", NEOX, LM_CASES),
    "gpt_neox_sequential": ("GPTNeoXConfig", "GPTNeoXForCausalLM", dict(NEOX, use_parallel_residual=False, rotary_pct=0.5), LM_CASES),
    "gpt_neox_seqcls": ("GPTNeoXConfig", "GPTNeoXForSequenceClassification", dict(NEOX, num_labels=3, **LABELS3), HEAD_CASES),
    "gpt_neox_tokcls": ("GPTNeoXConfig", "GPTNeoXForTokenClassification", dict(NEOX, use_parallel_residual=False, **TAGS5), HEAD_CASES),
    "gpt_neox_qa": ("GPTNeoXConfig", "GPTNeoXForQuestionAnswering", NEOX, HEAD_CASES),
    "opt": ("OPTConfig", "OPTForCausalLM", OPT, LM_CASES),
    "opt_post_ln_proj": ("OPTConfig", "OPTForCausalLM", dict(OPT, do_layer_norm_before=False, word_embed_proj_dim=16), LM_CASES),
    "opt_seqcls": ("OPTConfig", "OPTForSequenceClassification", dict(OPT, word_embed_proj_dim=16, num_labels=3, **LABELS3), HEAD_CASES),
    "opt_qa": ("OPTConfig", "OPTForQuestionAnswering", dict(OPT, do_layer_norm_before=False), HEAD_CASES),
    "phi": ("PhiConfig", "PhiForCausalLM", PHI, LM_CASES),
    "phi_seqcls": ("PhiConfig", "PhiForSequenceClassification", dict(PHI, num_labels=3, **LABELS3), HEAD_CASES),
    "phi_tokcls": ("PhiConfig", "PhiForTokenClassification", dict(PHI, **TAGS5), HEAD_CASES),
    "gemma": ("GemmaConfig", "GemmaForCausalLM", GEMMA, LM_CASES),
    "gemma_seqcls": ("GemmaConfig", "GemmaForSequenceClassification", dict(GEMMA, num_labels=3, **LABELS3), HEAD_CASES),
    "gemma_tokcls": ("GemmaConfig", "GemmaForTokenClassification", dict(GEMMA, **TAGS5), HEAD_CASES),
    "gemma2": ("Gemma2Config", "Gemma2ForCausalLM", GEMMA2, LM_CASES),
    "gemma2_seqcls": ("Gemma2Config", "Gemma2ForSequenceClassification", dict(GEMMA2, num_labels=3, **LABELS3), HEAD_CASES),
    "gemma2_tokcls": ("Gemma2Config", "Gemma2ForTokenClassification", dict(GEMMA2, **TAGS5), HEAD_CASES),
    "phi3": ("Phi3Config", "Phi3ForCausalLM", PHI3, LM_CASES),
    "phi3_longrope": ("Phi3Config", "Phi3ForCausalLM", PHI3_LONG, LM_CASES),
    "phi3_seqcls": ("Phi3Config", "Phi3ForSequenceClassification", dict(PHI3, num_labels=3, **LABELS3), HEAD_CASES),
    "phi3_tokcls": ("Phi3Config", "Phi3ForTokenClassification", dict(PHI3, **TAGS5), HEAD_CASES),
    "mistral": ("MistralConfig", "MistralForCausalLM", MISTRAL, LM_CASES),
    "mistral_seqcls": ("MistralConfig", "MistralForSequenceClassification", dict(MISTRAL, num_labels=3, **LABELS3), HEAD_CASES),
    "mistral_tokcls": ("MistralConfig", "MistralForTokenClassification", dict(MISTRAL, **TAGS5), HEAD_CASES),
    "mistral_qa": ("MistralConfig", "MistralForQuestionAnswering", MISTRAL, HEAD_CASES),
    "olmo2": ("Olmo2Config", "Olmo2ForCausalLM", OLMO2, LM_CASES),
    "qwen2": ("Qwen2Config", "Qwen2ForCausalLM", QWEN2, LM_CASES),
    "qwen2_sliding": ("Qwen2Config", "Qwen2ForCausalLM", dict(QWEN2, use_sliding_window=True, sliding_window=16, max_window_layers=2), LM_CASES),
    "qwen2_tokcls": ("Qwen2Config", "Qwen2ForTokenClassification", dict(QWEN2, **TAGS5), HEAD_CASES),
    "qwen2_qa": ("Qwen2Config", "Qwen2ForQuestionAnswering", QWEN2, HEAD_CASES),
    "qwen2_seqcls": ("Qwen2Config", "Qwen2ForSequenceClassification", dict(QWEN2, num_labels=3, **LABELS3), HEAD_CASES),
    "gpt2_seqcls": ("GPT2Config", "GPT2ForSequenceClassification", dict(GPT2, num_labels=3, **LABELS3), HEAD_CASES),
    "gpt2_tokcls": ("GPT2Config", "GPT2ForTokenClassification", dict(GPT2, **TAGS5), HEAD_CASES),
    "gpt2_qa": ("GPT2Config", "GPT2ForQuestionAnswering", GPT2, HEAD_CASES),
    "llama_seqcls": ("LlamaConfig", "LlamaForSequenceClassification", dict(LLAMA, num_labels=3, **LABELS3), HEAD_CASES),
    "llama_tokcls": ("LlamaConfig", "LlamaForTokenClassification", dict(LLAMA, **TAGS5), HEAD_CASES),
    "llama_qa": ("LlamaConfig", "LlamaForQuestionAnswering", LLAMA, HEAD_CASES),
}


def is_offset_gain(model):
    # Gemma's RMSNorm multiplies by (1 + weight): the stored weight is the gain's offset from 1.
    return model.config.model_type in ("gemma", "gemma2")


def redraw(model, generator):
    """Every parameter re-drawn large: linear W ~ N(0, (1.5/sqrt(fan_in))^2), embeddings N(0, 0.5^2),
    norm gains 1 + N(0, 0.2^2) (Gemma: the offset N(0, 0.2^2)), biases N(0, 0.1^2)."""
    def normal(t, std, mean=0.0):
        with torch.no_grad():
            t.copy_(torch.randn(t.shape, generator=generator) * std + mean)

    for module in model.modules():
        if isinstance(module, nn.Linear):
            normal(module.weight, 1.5 / math.sqrt(module.in_features))
            if module.bias is not None:
                normal(module.bias, 0.1)
        elif type(module).__name__ == "Conv1D":
            normal(module.weight, 1.5 / math.sqrt(module.weight.shape[0]))
            normal(module.bias, 0.1)
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            normal(module.weight, 0.5)
        elif isinstance(module, nn.LayerNorm):
            if module.weight is not None:
                normal(module.weight, 0.2, 1.0)
            if module.bias is not None:
                normal(module.bias, 0.1)
        elif "RMSNorm" in type(module).__name__:
            normal(module.weight, 0.2, 0.0 if is_offset_gain(model) else 1.0)


def make_inputs(case, generator):
    """ids avoid PAD so the last-non-pad rule of the sequence classifiers only sees the padding we add."""
    def ids(n):
        return torch.randint(1, VOCAB, (1, n), generator=generator)

    if case == "single":
        x = ids(9)
        return {"input_ids": x, "attention_mask": torch.ones_like(x)}
    if case == "random_long":
        x = ids(48)
        return {"input_ids": x, "attention_mask": torch.ones_like(x)}
    if case == "batch_padding_right":
        x = torch.cat([ids(12), ids(12)])
        mask = torch.ones_like(x)
        x[1, 7:] = PAD
        mask[1, 7:] = 0
        return {"input_ids": x, "attention_mask": mask}
    raise ValueError(case)


def greedy(model, ids, steps=8):
    """Greedy continuation without a cache (argmax of the last position, appended), for the manifest."""
    out = ids.clone()
    for _ in range(steps):
        logits = model(input_ids=out, use_cache=False).logits
        out = torch.cat([out, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    return out[0, ids.shape[1]:].tolist()


def run_case(model, inputs):
    captured = {}
    project_out = getattr(getattr(getattr(model, "model", None), "decoder", None), "project_out", None)
    handle = None
    if project_out is not None:
        handle = project_out.register_forward_hook(lambda m, args, out: captured.__setitem__("pre", args[0].detach().clone()))
    extra = {"use_cache": False} if "use_cache" in inspect.signature(model.forward).parameters else {}
    out = model(**inputs, output_attentions=True, output_hidden_states=True, return_dict=True, **extra)
    if handle is not None:
        handle.remove()
    tensors = {f"input.{k}": v.to(torch.int64).contiguous() for k, v in inputs.items()}
    tensors["attentions"] = torch.stack(out.attentions).contiguous()
    hidden = list(out.hidden_states)
    if "pre" in captured:
        tensors["last_hidden_state"] = hidden[-1].contiguous()
        hidden[-1] = captured["pre"]
    tensors["hidden_states"] = torch.stack(hidden).contiguous()
    for name in ("logits", "start_logits", "end_logits"):
        if getattr(out, name, None) is not None:
            tensors[name] = getattr(out, name).contiguous()
    return tensors


def main():
    torch.manual_seed(SEED)
    commit = "9feae5fb0"
    manifest = {
        "generator": "tests/goldens/decoders/make_goldens.py",
        "versions": {"transformers": transformers.__version__, "transformers_commit": commit, "torch": torch.__version__,
                     "python": sys.version.split()[0]},
        "conventions": {
            "attentions": "[L, B, H, T, T] post-mask softmax (eager attention)",
            "hidden_states": "[L+1, B, T, C]; index 0 = embedding output, last = after the final norm "
                             "(OPT with project_out: project_out's input; transformers' last entry is last_hidden_state)",
            "tolerance": "atol 1e-4 (fp32)",
            "pad_token_id": PAD,
        },
        "models": {},
    }
    only = set(sys.argv[1:])
    for name, (config_name, model_name, kwargs, cases) in MODELS.items():
        if only and name not in only:
            continue
        generator = torch.Generator().manual_seed(SEED + list(MODELS).index(name))
        config = getattr(transformers, config_name)(**kwargs)
        config._attn_implementation = "eager"
        model = getattr(transformers, model_name)(config)
        redraw(model, generator)
        folder = os.path.join(HERE, name)
        shutil.rmtree(folder, ignore_errors=True)
        model.save_pretrained(folder)
        model = getattr(transformers, model_name).from_pretrained(folder, attn_implementation="eager")
        model.eval()
        os.makedirs(os.path.join(folder, "reference"))
        entry = {"class": model_name, "config": json.load(open(os.path.join(folder, "config.json"))),
                 "weights": {k: list(v.shape) for k, v in model.state_dict().items()}, "cases": {}}
        input_generator = torch.Generator().manual_seed(SEED)
        with torch.no_grad():
            for case in cases:
                inputs = make_inputs(case, input_generator)
                tensors = run_case(model, inputs)
                save_file(tensors, os.path.join(folder, "reference", case + ".safetensors"))
                entry["cases"][case] = {k: list(v.shape) for k, v in tensors.items()}
            if model_name.endswith("ForCausalLM"):
                single = make_inputs("single", torch.Generator().manual_seed(SEED))["input_ids"]
                entry["greedy"] = {"input_ids": single[0].tolist(), "continuation": greedy(model, single)}
        manifest["models"][name] = entry
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
        print(f"{name}: {model_name}, {len(cases)} cases, {size // 1024} KB", flush=True)
    path = os.path.join(HERE, "manifest.json")
    if only and os.path.exists(path):
        old = json.load(open(path))
        old["models"].update(manifest["models"])
        manifest = old
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
