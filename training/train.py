"""Trains the bundled demo models of Attention Lens from the grammar, deterministically.

  python3 training/train.py            # writes models/demo/{bert-pretrained,bert-finetuned,gpt2}/,
                                       # models/demo/heldout.json and models/demo/README.md

Needs only Debian's python3-torch (apt-get install -y python3-torch). Single-threaded, fixed seeds,
torch.use_deterministic_algorithms(True): the same torch build on the same CPU gives the same bytes.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grammar  # noqa: E402
from hf_files import read_safetensors, tokenizer_json, write_json, write_safetensors  # noqa: E402
from hf_models import BertForMaskedLM, BertForSequenceClassification, GPT2LMHeadModel  # noqa: E402

SEED_CORPUS = 1        # training sentences
SEED_HELDOUT = 2       # held-out sentences (disjoint from the training texts)
SEED_BERT = 11
SEED_FINETUNE = 12
SEED_GPT2 = 13
CORPUS_SIZE = 20000
HIDDEN, LAYERS, HEADS, INTERMEDIATE, MAX_POS = 64, 3, 4, 128, 32
BATCH = 32
# BERT's usual N(0, 0.02) initialisation leaves this tiny post-LayerNorm BERT unable to learn
# agreement within the step budget (the masked verb stayed at chance after 1,000 steps); with
# N(0, 0.1) it learns it in a few hundred. GPT-2 (pre-LayerNorm) trains fine from 0.02.
BERT_INIT_STD = 0.1
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
GPT2_SPECIALS = ["[UNK]", "<|endoftext|>"]
LABELS = ["singular", "plural"]
DEMO_SENTENCE = "the keys to the old cabinet fell on the floor"
DEMO_PREFIX = "the keys to the old cabinet"


class WordVocab:
    """Word-level ids as the written tokenizer.json produces them for the grammar's texts."""

    def __init__(self, specials: list[str]):
        self.tokens = specials + grammar.vocabulary()
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def encode(self, words: list[str]) -> list[int]:
        return [self.ids.get(w, self.ids["[UNK]"]) for w in words]


def bert_config(vocab_size: int, classifier: bool) -> dict:
    cfg = {
        "architectures": ["BertForSequenceClassification" if classifier else "BertForMaskedLM"],
        "attention_probs_dropout_prob": 0.0, "classifier_dropout": None, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0, "hidden_size": HIDDEN, "initializer_range": BERT_INIT_STD,
        "intermediate_size": INTERMEDIATE, "layer_norm_eps": 1e-12, "max_position_embeddings": MAX_POS,
        "model_type": "bert", "num_attention_heads": HEADS, "num_hidden_layers": LAYERS,
        "pad_token_id": 0, "position_embedding_type": "absolute", "tie_word_embeddings": True,
        "torch_dtype": "float32", "type_vocab_size": 2, "use_cache": True, "vocab_size": vocab_size,
    }
    if classifier:
        cfg["num_labels"] = len(LABELS)
        cfg["id2label"] = {str(i): l for i, l in enumerate(LABELS)}
        cfg["label2id"] = {l: i for i, l in enumerate(LABELS)}
        cfg["problem_type"] = "single_label_classification"
    return cfg


def gpt2_config(vocab_size: int, bos: int) -> dict:
    return {
        "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.0,
        "bos_token_id": bos, "embd_pdrop": 0.0, "eos_token_id": bos, "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": MAX_POS, "n_embd": HIDDEN,
        "n_head": HEADS, "n_inner": INTERMEDIATE, "n_layer": LAYERS, "n_positions": MAX_POS,
        "reorder_and_upcast_attn": False, "resid_pdrop": 0.0, "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True, "tie_word_embeddings": True, "torch_dtype": "float32",
        "use_cache": True, "vocab_size": vocab_size,
    }


def pad(rows: list[list[int]], value: int) -> tuple[torch.Tensor, torch.Tensor]:
    t = max(len(r) for r in rows)
    ids = torch.full((len(rows), t), value, dtype=torch.long)
    mask = torch.zeros((len(rows), t), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = 1
    return ids, mask


def lr_at(step: int, steps: int, peak: float, warmup: int) -> float:
    """Linear warm-up then linear decay to 10% of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (1.0 - 0.9 * (step - warmup) / max(1, steps - warmup))


def save(folder: str, model: torch.nn.Module, cfg: dict, tok: dict, skip: tuple[str, ...]) -> int:
    """Writes config.json, model.safetensors (without tied copies) and tokenizer.json; checks the
    round trip of the weights; returns the bytes written."""
    os.makedirs(folder, exist_ok=True)
    state = {k: v for k, v in model.state_dict().items() if not k.startswith(skip)}
    write_safetensors(os.path.join(folder, "model.safetensors"), state)
    back = read_safetensors(os.path.join(folder, "model.safetensors"))
    assert back.keys() == state.keys() and all(torch.equal(back[k], state[k]) for k in state)
    write_json(os.path.join(folder, "config.json"), cfg)
    write_json(os.path.join(folder, "tokenizer.json"), tok)
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))


def train_bert(corpus, vocab: WordVocab, steps: int, log: list, peak_lr: float = 1e-3, probe=None) -> BertForMaskedLM:
    """Masked-language modelling: 15% of the words are chosen (80% [MASK], 10% a random word,
    10% kept, as BERT does); besides, the main verb is always chosen in present-tense sentences
    (and in half the others), so that the model gets enough signal to learn agreement across
    attractors in few steps."""
    torch.manual_seed(SEED_BERT)
    rng = random.Random(SEED_BERT)
    model = BertForMaskedLM(bert_config(len(vocab.tokens), False))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    first_word, mask_id = len(BERT_SPECIALS), vocab.ids["[MASK]"]
    for step in range(steps):
        rows, targets = [], []
        for s in rng.sample(corpus, BATCH):
            ids = vocab.encode(s.words)
            chosen = {i for i in range(len(ids)) if rng.random() < 0.15}
            if s.tense == "present" or rng.random() < 0.5:
                chosen.add(s.verb)
            if not chosen:
                chosen.add(rng.randrange(len(ids)))
            tgt = [-100] * len(ids)
            for i in chosen:
                tgt[i] = ids[i]
                r = rng.random()
                ids[i] = mask_id if r < 0.8 else (rng.randrange(first_word, len(vocab.tokens)) if r < 0.9 else ids[i])
            rows.append([vocab.ids["[CLS]"]] + ids + [vocab.ids["[SEP]"]])
            targets.append([-100] + tgt + [-100])
        ids, mask = pad(rows, 0)
        tgt, _ = pad(targets, -100)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, peak_lr, 100)
        logits, _ = model(ids, mask)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), tgt.view(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == steps - 1:
            entry = {"model": "bert-pretrained", "step": step, "loss": round(loss.item(), 4)}
            if probe is not None and (step % 500 == 0 or step == steps - 1):
                entry["probe"] = probe(model)
            log.append(entry)
            print(json.dumps(entry), flush=True)
    return model


def finetune(pretrained: BertForMaskedLM, corpus, vocab: WordVocab, steps: int, log: list):
    """Copies the pre-trained encoder into BertForSequenceClassification (new pooler and
    classifier, as from_pretrained does) and trains all weights to tell a singular from a plural
    subject on past-tense sentences, whose verb carries no number."""
    torch.manual_seed(SEED_FINETUNE)
    rng = random.Random(SEED_FINETUNE)
    model = BertForSequenceClassification(bert_config(len(vocab.tokens), True))
    missing = model.load_state_dict(pretrained.bert.state_dict(prefix="bert."), strict=False)
    assert set(missing.missing_keys) == {"bert.pooler.dense.weight", "bert.pooler.dense.bias",
                                         "classifier.weight", "classifier.bias"}, missing
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    past = [s for s in corpus if s.tense == "past"]
    for step in range(steps):
        batch = rng.sample(past, BATCH)
        ids, mask = pad([bert_ids(vocab, s.words) for s in batch], 0)
        y = torch.tensor([LABELS.index(s.number) for s in batch])
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, 3e-4, 50)
        logits, _ = model(ids, mask)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            log.append({"model": "bert-finetuned", "step": step, "loss": round(loss.item(), 4)})
            print(f"finetune step {step} loss {loss.item():.4f}", flush=True)
    return model


def train_gpt2(corpus, vocab: WordVocab, steps: int, log: list) -> GPT2LMHeadModel:
    """Next-token prediction on <|endoftext|> sentence <|endoftext|>."""
    torch.manual_seed(SEED_GPT2)
    rng = random.Random(SEED_GPT2)
    eos = vocab.ids["<|endoftext|>"]
    model = GPT2LMHeadModel(gpt2_config(len(vocab.tokens), eos))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for step in range(steps):
        rows = [[eos] + vocab.encode(s.words) + [eos] for s in rng.sample(corpus, BATCH)]
        ids, mask = pad(rows, eos)
        tgt = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, 1e-3, 100)
        logits, _ = model(ids[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == steps - 1:
            log.append({"model": "gpt2", "step": step, "loss": round(loss.item(), 4)})
            print(f"gpt2 step {step} loss {loss.item():.4f}", flush=True)
    return model


def bert_ids(vocab: WordVocab, words: list[str]) -> list[int]:
    return [vocab.ids["[CLS]"]] + vocab.encode(words) + [vocab.ids["[SEP]"]]


@torch.no_grad()
def evaluate(bert, clf, gpt2, bvocab, gvocab, classification, agreement) -> dict:
    """Held-out accuracies: the classifier's subject number; the MLM's and GPT-2's preference for
    the agreeing verb form over the other form at the main verb (Linzen et al. 2016). Each over
    the whole list and over its first 200 sentences (what the C# tests check)."""
    clf_hits = []
    for s in classification:
        logits, _ = clf(torch.tensor([bert_ids(bvocab, s.words)]))
        clf_hits.append(int(logits[0].argmax().item() == LABELS.index(s.number)))
    mlm_hits, gpt_hits = [], []
    eos = gvocab.ids["<|endoftext|>"]
    for s in agreement:
        good, bad = (s.verb_singular, s.verb_plural) if s.number == "singular" else (s.verb_plural, s.verb_singular)
        ids = bert_ids(bvocab, s.words)
        ids[s.verb + 1] = bvocab.ids["[MASK]"]
        logits, _ = bert(torch.tensor([ids]))
        mlm_hits.append(int(logits[0, s.verb + 1, bvocab.ids[good]] > logits[0, s.verb + 1, bvocab.ids[bad]]))
        logits, _ = gpt2(torch.tensor([[eos] + gvocab.encode(s.words[:s.verb])]))
        gpt_hits.append(int(logits[0, -1, gvocab.ids[good]] > logits[0, -1, gvocab.ids[bad]]))
    out = {}
    for name, hits in (("classifier_accuracy", clf_hits), ("mlm_agreement_accuracy", mlm_hits), ("gpt2_agreement_accuracy", gpt_hits)):
        out[name] = sum(hits) / len(hits)
        out[name + "_200"] = sum(hits[:200]) / 200
    return out


def mlm_probe(vocab: WordVocab, sentences) -> callable:
    """Agreement accuracy of the MLM at the masked main verb, logged during training."""
    def probe(model) -> float:
        model.eval()
        hits = 0
        with torch.no_grad():
            for s in sentences:
                good, bad = (s.verb_singular, s.verb_plural) if s.number == "singular" else (s.verb_plural, s.verb_singular)
                ids = bert_ids(vocab, s.words)
                ids[s.verb + 1] = vocab.ids["[MASK]"]
                logits, _ = model(torch.tensor([ids]))
                hits += int(logits[0, s.verb + 1, vocab.ids[good]] > logits[0, s.verb + 1, vocab.ids[bad]])
        model.train()
        return hits / len(sentences)
    return probe


@torch.no_grad()
def record(model, kind: str, cases: list[tuple[str, list[int], list[str]]]) -> dict:
    """Logits the engine must reproduce (1e-4): LM logits (T, V) flattened, or classifier logits."""
    out = []
    for text, ids, tokens in cases:
        logits, _ = model(torch.tensor([ids]))
        entry = {"text": text, "ids": ids, "tokens": tokens}
        if kind == "classifier":
            entry["classifier_logits"] = [float(x) for x in logits[0]]
        else:
            entry["logits_shape"] = list(logits[0].shape)
            entry["logits"] = [float(x) for x in logits[0].reshape(-1)]
        out.append(entry)
    return {"tolerance": 1e-4, "note": "float32 forward of the training tool (training/hf_models.py)", "cases": out}


def write_readme(out: str) -> None:
    """models/demo/README.md from training.json: what the models are, how they were trained, what
    they reach (also runnable alone: train.py --readme-only)."""
    with open(os.path.join(out, "training.json"), encoding="utf-8") as f:
        record = json.load(f)
    metrics, claims, times, sizes, log = record["metrics"], record["claims"], record["train_seconds"], record["bytes"], record["log"]
    args = argparse.Namespace(bert_steps=record["steps"]["bert"], finetune_steps=record["steps"]["finetune"], gpt2_steps=record["steps"]["gpt2"])
    last = {m: next(e["loss"] for e in reversed(log) if e["model"] == m) for m in times}
    first = {m: next(e["loss"] for e in log if e["model"] == m) for m in times}
    steps = {"bert-pretrained": args.bert_steps, "bert-finetuned": args.finetune_steps, "gpt2": args.gpt2_steps}
    task = {"bert-pretrained": "masked-language modelling (BertForMaskedLM)",
            "bert-finetuned": "subject number, singular/plural (BertForSequenceClassification)",
            "gpt2": "next word (GPT2LMHeadModel)"}
    rows = "\n".join(f"| {m} | {task[m]} | {steps[m]} | {first[m]:.3f} → {last[m]:.3f} | {times[m]:.0f} s | {sizes[m] / 1024:.0f} KiB |" for m in times)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(out) for f in files if f != "README.md")
    text = f"""# Demo models (generated — do not edit by hand)

Written by `training/train.py` (see `training/README.md`). Regenerate, bit for bit on the same torch
build and CPU, with:

```bash
apt-get install -y python3-torch
/usr/bin/python3 training/train.py --bert-steps {args.bert_steps} --finetune-steps {args.finetune_steps} --gpt2-steps {args.gpt2_steps}
```

Each folder is a Hugging Face checkpoint: `config.json`, `model.safetensors` (fp32, tied weights not
stored, as `save_pretrained` writes them), a word-level `tokenizer.json` (BertNormalizer,
BertPreTokenizer, whole-word WordPiece, TemplateProcessing: `[CLS] … [SEP]` for the BERTs,
`<|endoftext|> …` for GPT-2), and `recorded_logits.json` (logits of the training tool's forward, which
the engine must reproduce within 1e-4). `heldout.json` holds {len(json.load(open(os.path.join(out, "heldout.json")))["classification"])} classification and
{len(json.load(open(os.path.join(out, "heldout.json")))["agreement"])} agreement sentences that are not in the training corpus. `training.json` has the full log.

Sizes: hidden {HIDDEN}, {LAYERS} layers, {HEADS} heads, feed-forward {INTERMEDIATE}, {MAX_POS} positions.
Seeds: corpus {SEED_CORPUS} ({CORPUS_SIZE} sentences), held-out {SEED_HELDOUT}, BERT {SEED_BERT}, fine-tuning {SEED_FINETUNE}, GPT-2 {SEED_GPT2}.
torch {record["torch"]}, one thread, deterministic algorithms, batch {BATCH}, AdamW.

| model | task | steps | training loss first → last | time | size |
|---|---|---:|---|---:|---:|
{rows}

Total committed size of models/demo (all files but this README): {total / 1024 / 1024:.2f} MiB.

## Held-out accuracy

| measure | all held-out | first 200 | claimed (tests check ≥) |
|---|---:|---:|---:|
| fine-tuned classifier: subject number, past-tense sentences with an attractor | {metrics["classifier_accuracy"]:.3f} | {metrics["classifier_accuracy_200"]:.3f} | {claims["classifier_accuracy_200"]:.2f} |
| pre-trained BERT: agreeing verb preferred at the masked main verb | {metrics["mlm_agreement_accuracy"]:.3f} | {metrics["mlm_agreement_accuracy_200"]:.3f} | {claims["mlm_agreement_accuracy_200"]:.2f} |
| GPT-2: agreeing verb preferred after the subject and attractor | {metrics["gpt2_agreement_accuracy"]:.3f} | {metrics["gpt2_agreement_accuracy_200"]:.3f} | {claims["gpt2_agreement_accuracy_200"]:.2f} |
"""
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "demo"))
    ap.add_argument("--bert-steps", type=int, default=1500)
    ap.add_argument("--bert-lr", type=float, default=1e-3)
    ap.add_argument("--finetune-steps", type=int, default=300)
    ap.add_argument("--gpt2-steps", type=int, default=1500)
    ap.add_argument("--readme-only", action="store_true", help="only rewrite models/demo/README.md from training.json")
    args = ap.parse_args()
    if args.readme_only:
        write_readme(os.path.abspath(args.out))
        return
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    rng = random.Random(SEED_CORPUS)
    corpus = [grammar.generate(rng) for _ in range(CORPUS_SIZE)]
    texts = {s.text for s in corpus}
    classification = (grammar.heldout(SEED_HELDOUT, 150, texts, structure="pp", tense="past")
                      + grammar.heldout(SEED_HELDOUT + 1, 150, texts, structure="rc", tense="past"))
    agreement = (grammar.heldout(SEED_HELDOUT + 2, 150, texts, structure="pp", tense="present")
                 + grammar.heldout(SEED_HELDOUT + 3, 150, texts, structure="rc", tense="present"))
    bvocab, gvocab = WordVocab(BERT_SPECIALS), WordVocab(GPT2_SPECIALS)
    log: list = []
    times = {}

    t0 = time.time()
    probe = mlm_probe(bvocab, grammar.heldout(SEED_HELDOUT + 10, 100, texts, tense="present"))
    bert = train_bert(corpus, bvocab, args.bert_steps, log, args.bert_lr, probe)
    times["bert-pretrained"] = time.time() - t0
    t0 = time.time()
    clf = finetune(bert, corpus, bvocab, args.finetune_steps, log)
    times["bert-finetuned"] = time.time() - t0
    t0 = time.time()
    gpt2 = train_gpt2(corpus, gvocab, args.gpt2_steps, log)
    times["gpt2"] = time.time() - t0
    for m in (bert, clf, gpt2):
        m.eval()
    metrics = evaluate(bert, clf, gpt2, bvocab, gvocab, classification, agreement)
    print(json.dumps(metrics), flush=True)

    btok = tokenizer_json(bvocab.tokens, BERT_SPECIALS, ["[CLS]", "$A", "[SEP]"],
                          ["[CLS]", "$A", "[SEP]", "$B:1", "[SEP]:1"])
    gtok = tokenizer_json(gvocab.tokens, GPT2_SPECIALS, ["<|endoftext|>", "$A"], ["<|endoftext|>", "$A", "$B:1"])
    sizes = {
        "bert-pretrained": save(os.path.join(out, "bert-pretrained"), bert, bert_config(len(bvocab.tokens), False), btok, ()),
        "bert-finetuned": save(os.path.join(out, "bert-finetuned"), clf, bert_config(len(bvocab.tokens), True), btok, ()),
        "gpt2": save(os.path.join(out, "gpt2"), gpt2, gpt2_config(len(gvocab.tokens), gvocab.ids["<|endoftext|>"]), gtok, ()),
    }

    def bcase(text):
        words = text.split()
        return text, [bvocab.ids[w] if w in bvocab.ids else bvocab.ids["[UNK]"] for w in ["[CLS]"] + words + ["[SEP]"]], ["[CLS]"] + words + ["[SEP]"]

    def gcase(text):
        words = text.split()
        return text, [gvocab.ids["<|endoftext|>"]] + gvocab.encode(words), ["<|endoftext|>"] + words

    bert_texts = [DEMO_SENTENCE, "the keys to the old cabinet [MASK] on the table", classification[0].text]
    write_json(os.path.join(out, "bert-pretrained", "recorded_logits.json"), record(bert, "mlm", [bcase(t) for t in bert_texts]))
    write_json(os.path.join(out, "bert-finetuned", "recorded_logits.json"),
               record(clf, "classifier", [bcase(t) for t in [DEMO_SENTENCE] + [s.text for s in classification[:4]]]))
    write_json(os.path.join(out, "gpt2", "recorded_logits.json"),
               record(gpt2, "lm", [gcase(t) for t in [DEMO_PREFIX, agreement[0].text, agreement[200].text]]))

    write_json(os.path.join(out, "heldout.json"), {
        "description": "Held-out grammar sentences (training/grammar.py), none of them in the training corpus. "
                       "Indices count whitespace-separated words from 0; in the BERT and GPT-2 token sequences "
                       "word i is token i + 1 (after [CLS] or <|endoftext|>).",
        "seed": SEED_HELDOUT,
        "labels": LABELS,
        "classification": [s.to_json() for s in classification],
        "agreement": [s.to_json() for s in agreement],
    })
    # What the README claims and the C# tests check on the first 200 held-out sentences of each
    # list: the measured accuracy rounded down to a percent, less one percent for float32 ties.
    claims = {k: round(math.floor(v * 100) / 100 - 0.01, 2) for k, v in metrics.items() if k.endswith("_200")}
    write_json(os.path.join(out, "training.json"), {
        "seeds": {"corpus": SEED_CORPUS, "heldout": SEED_HELDOUT, "bert": SEED_BERT, "finetune": SEED_FINETUNE, "gpt2": SEED_GPT2},
        "corpus_size": CORPUS_SIZE,
        "steps": {"bert": args.bert_steps, "finetune": args.finetune_steps, "gpt2": args.gpt2_steps},
        "metrics": metrics,
        "claims": claims,
        "heldout_sizes": {"classification": len(classification), "agreement": len(agreement)},
        "train_seconds": {k: round(v, 1) for k, v in times.items()},
        "bytes": sizes,
        "torch": torch.__version__,
        "log": log,
    })
    write_readme(out)
    print(json.dumps({"seconds": times, "bytes": sizes}), flush=True)


if __name__ == "__main__":
    main()
