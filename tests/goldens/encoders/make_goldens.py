"""Reference data for the encoder families and their task heads, made with the real `transformers`.

Run from the repository root (see ../shared/tools/hf-reference/README.md for the environment):
    . /tmp/hf-reference/env.sh && /usr/bin/python3 tests/goldens/encoders/make_goldens.py

For every (family, head) below: a tiny random model (hidden 32, 4 heads, 2 layers unless the family's
weight sharing needs more), every parameter re-drawn large so attention is far from uniform (linear
W ~ N(0, (1.5/sqrt(fan_in))^2), embeddings N(0, 0.5^2), norm gains 1 + N(0, 0.2^2), biases
N(0, 0.1^2)), saved with save_pretrained, re-loaded with from_pretrained (eager attention, eval,
float32, no_grad) and run on the cases; each case is written to <name>/reference/<case>.safetensors:
input.* (int64 [B, T]), attentions [L, B, H, T, T], hidden_states [L+1, B, T, C] and the head's
outputs under transformers' names (logits, start_logits, end_logits). The expected numbers in the C#
tests come only from these files.
"""
import json
import os
import shutil
import subprocess
import sys
import zlib

import torch
from torch import nn
import transformers
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = 96
MAX_POS = 64
LONG = 48

SEQ_LABELS = {0: "negative", 1: "neutral", 2: "positive"}
TOK_LABELS = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC", 4: "I-LOC"}

COMMON = dict(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
              intermediate_size=64, max_position_embeddings=MAX_POS, hidden_dropout_prob=0.0,
              attention_probs_dropout_prob=0.0)

FAMILIES = {
    # model_type: (config class, {head: model class name}, extra config, has token types, pad id)
    "bert": (transformers.BertConfig, dict(pad_token_id=0, type_vocab_size=2), True, 0),
    "roberta": (transformers.RobertaConfig, dict(pad_token_id=1, bos_token_id=0, eos_token_id=2, type_vocab_size=1,
                                                max_position_embeddings=MAX_POS + 2), False, 1),
    "distilbert": (transformers.DistilBertConfig, dict(vocab_size=VOCAB, dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                                                      max_position_embeddings=MAX_POS, dropout=0.0, attention_dropout=0.0,
                                                      seq_classif_dropout=0.0, qa_dropout=0.0, pad_token_id=0), False, 0),
    "xlm-roberta": (transformers.XLMRobertaConfig, dict(pad_token_id=1, bos_token_id=0, eos_token_id=2, type_vocab_size=1,
                                                        max_position_embeddings=MAX_POS + 2), False, 1),
    # ELECTRA: embedding_size 16 != hidden 32, so the model has embeddings_project.
    "electra": (transformers.ElectraConfig, dict(embedding_size=16, pad_token_id=0, type_vocab_size=2), True, 0),
    # ALBERT: factorised embeddings (16 -> 32) and 4 layers sharing 2 groups (layers 0-1 use group 0, 2-3 group 1).
    "albert": (transformers.AlbertConfig, dict(embedding_size=16, num_hidden_layers=4, num_hidden_groups=2, inner_group_num=1,
                                               hidden_act="gelu_new", pad_token_id=0, type_vocab_size=2), True, 0),
    # DeBERTa-v3 style: relative attention with log buckets, shared keys, no absolute positions, LN on rel embeddings.
    "deberta-v2": (transformers.DebertaV2Config, dict(relative_attention=True, pos_att_type=["p2c", "c2p"], position_buckets=8,
                                                      max_relative_positions=-1, share_att_key=True, position_biased_input=False,
                                                      norm_rel_ebd="layer_norm", type_vocab_size=0, pad_token_id=0,
                                                      layer_norm_eps=1e-7, legacy=True), False, 0),
}

# Bodies and heads (one model per family x head) run every case: single, random_long, batch_padding and,
# where the family has token types, pair_token_types.
MODELS = [
    ("xlm_roberta", "xlm-roberta", "XLMRobertaModel", {}),
    ("electra", "electra", "ElectraModel", {}),
    ("albert", "albert", "AlbertModel", {}),
    ("deberta_v2", "deberta-v2", "DebertaV2Model", {}),
    # DeBERTa-v2 (not v3) settings: separate position projections (pos_key_proj / pos_query_proj), absolute positions
    # added to the input, token types, an embedding projection, no buckets and a relative span (16) shorter than the
    # long case, so the c2p/p2c indices are clamped.
    ("deberta_v2_variant", "deberta-v2", "DebertaV2Model",
     dict(share_att_key=False, position_biased_input=True, position_buckets=-1, max_relative_positions=16,
          norm_rel_ebd="none", type_vocab_size=2, embedding_size=24, pos_att_type=["c2p", "p2c"])),
]
HEADS = {
    "bert": {"mlm": "BertForMaskedLM", "seqcls": "BertForSequenceClassification", "tokcls": "BertForTokenClassification", "qa": "BertForQuestionAnswering"},
    "roberta": {"mlm": "RobertaForMaskedLM", "seqcls": "RobertaForSequenceClassification",
                "tokcls": "RobertaForTokenClassification", "qa": "RobertaForQuestionAnswering"},
    "distilbert": {"mlm": "DistilBertForMaskedLM", "seqcls": "DistilBertForSequenceClassification", "tokcls": "DistilBertForTokenClassification",
                   "qa": "DistilBertForQuestionAnswering"},
    "xlm-roberta": {"mlm": "XLMRobertaForMaskedLM", "seqcls": "XLMRobertaForSequenceClassification",
                    "tokcls": "XLMRobertaForTokenClassification", "qa": "XLMRobertaForQuestionAnswering"},
    "electra": {"pretraining": "ElectraForPreTraining", "mlm": "ElectraForMaskedLM", "seqcls": "ElectraForSequenceClassification",
                "tokcls": "ElectraForTokenClassification", "qa": "ElectraForQuestionAnswering"},
    "albert": {"mlm": "AlbertForMaskedLM", "seqcls": "AlbertForSequenceClassification", "tokcls": "AlbertForTokenClassification",
               "qa": "AlbertForQuestionAnswering"},
    "deberta-v2": {"mlm": "DebertaV2ForMaskedLM", "seqcls": "DebertaV2ForSequenceClassification",
                   "tokcls": "DebertaV2ForTokenClassification", "qa": "DebertaV2ForQuestionAnswering"},
}
for family, heads in HEADS.items():
    for short, cls in heads.items():
        extra = {}
        if short == "seqcls":
            extra = dict(num_labels=3, id2label=SEQ_LABELS, label2id={v: k for k, v in SEQ_LABELS.items()})
        elif short == "tokcls":
            extra = dict(num_labels=5, id2label=TOK_LABELS, label2id={v: k for k, v in TOK_LABELS.items()})
        MODELS.append((family.replace("-", "_") + "_" + short, family, cls, extra))


def redraw(model, gen):
    """Every parameter re-drawn large (see the module docstring); tied parameters are drawn once."""
    seen = set()
    with torch.no_grad():
        for module in model.modules():
            for name, p in module.named_parameters(recurse=False):
                if id(p) in seen:
                    continue
                seen.add(id(p))
                if isinstance(module, nn.Embedding):
                    p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
                elif isinstance(module, nn.LayerNorm) and name == "weight":
                    p.copy_(1 + torch.randn(p.shape, generator=gen) * 0.2)
                elif p.dim() >= 2:
                    fan_in = p.shape[1] * (p.shape[2] if p.dim() > 2 else 1)
                    p.copy_(torch.randn(p.shape, generator=gen) * (1.5 / fan_in ** 0.5))
                else:
                    p.copy_(torch.randn(p.shape, generator=gen) * 0.1)
    model.tie_weights()


def cases(gen, pad, token_types, body):
    """Inputs per case: ids avoid the special ids 0..3 except as [CLS]=2 / [SEP]=3 and padding."""
    def ids(n):
        return torch.randint(4, VOCAB, (n,), generator=gen)

    def long():
        return {"input_ids": torch.cat([torch.tensor([2]), ids(LONG - 2), torch.tensor([3])]).unsqueeze(0)}

    def pair():
        ids_ = torch.cat([torch.tensor([2]), ids(5), torch.tensor([3]), ids(4), torch.tensor([3])]).unsqueeze(0)
        return {"input_ids": ids_, "token_type_ids": torch.tensor([[0] * 7 + [1] * 5])}

    out = {}
    single = torch.cat([torch.tensor([2]), ids(8), torch.tensor([3])]).unsqueeze(0)
    out["single"] = {"input_ids": single}
    if body:
        out["random_long"] = long()
    rows, masks = [], []
    for n in (12, 7, 9):
        row = torch.cat([torch.tensor([2]), ids(n - 2), torch.tensor([3]), torch.full((12 - n,), pad)])
        rows.append(row)
        masks.append(torch.cat([torch.ones(n, dtype=torch.long), torch.zeros(12 - n, dtype=torch.long)]))
    out["batch_padding"] = {"input_ids": torch.stack(rows), "attention_mask": torch.stack(masks)}
    if body and token_types:
        out["pair_token_types"] = pair()
    if not body:
        # Heads run every case too; their long and pair inputs are drawn after the first two cases so that
        # adding them left the single and batch_padding inputs (and files) of the heads unchanged.
        out["random_long"] = long()
        if token_types:
            out["pair_token_types"] = pair()
    return out


def main():
    torch.manual_seed(0)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=os.path.dirname(transformers.__file__),
                            capture_output=True, text=True).stdout.strip() or "9feae5fb0 (archive)"
    index = {"generator": "tests/goldens/encoders/make_goldens.py", "transformers": transformers.__version__,
             "transformers_commit": commit, "torch": torch.__version__, "tolerance_atol": 1e-4, "models": {}}
    only = set(sys.argv[1:])
    for name, family, cls_name, extra in MODELS:
        if only and name not in only:
            continue
        config_cls, base_extra, token_types, pad = FAMILIES[family]
        kwargs = dict(COMMON) if family != "distilbert" else {}
        kwargs.update(base_extra)
        kwargs.update(extra)
        config = config_cls(**kwargs)
        config.architectures = [cls_name]
        # Seeded by name, so adding a model leaves the others' files unchanged.
        gen = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        model = getattr(transformers, cls_name)(config).eval()
        redraw(model, gen)
        folder = os.path.join(HERE, name)
        shutil.rmtree(folder, ignore_errors=True)
        model.save_pretrained(folder, safe_serialization=True)
        model = getattr(transformers, cls_name).from_pretrained(folder, attn_implementation="eager").eval()
        os.makedirs(os.path.join(folder, "reference"), exist_ok=True)
        body = cls_name.endswith("Model")
        has_types = token_types and getattr(config, "type_vocab_size", 0) >= 2
        written = {}
        for case, inputs in cases(gen, pad, has_types, body).items():
            with torch.no_grad():
                out = model(**inputs, output_attentions=True, output_hidden_states=True, return_dict=True)
            tensors = {"input." + k: v.to(torch.int64).contiguous() for k, v in inputs.items()}
            tensors["attentions"] = torch.stack(out.attentions).contiguous()
            tensors["hidden_states"] = torch.stack(out.hidden_states).contiguous()
            for key in ("logits", "start_logits", "end_logits", "pooler_output"):
                value = getattr(out, key, None)
                if value is not None:
                    tensors[key] = value.float().contiguous()
            save_file(tensors, os.path.join(folder, "reference", case + ".safetensors"))
            written[case] = {k: list(v.shape) for k, v in tensors.items()}
        index["models"][name] = {"class": cls_name, "model_type": family, "cases": written}
        print(name, cls_name, sorted(written))
    path = os.path.join(HERE, "manifest.json")
    if only and os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        old["models"].update(index["models"])
        index = old
    with open(path, "w") as f:
        json.dump(index, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
