#!/usr/bin/env python3
"""Baseline of scripts/bench-ig.sh: integrated gradients with PyTorch autograd through `transformers`.

  prepare --model bert-base|gpt2 --tokens T --dir DIR
      writes a random-weight checkpoint of that standard shape to DIR (BertForSequenceClassification with
      bert-base-uncased's sizes and 2 labels; GPT2LMHeadModel with gpt2's 124M sizes; transformers' own
      initialisation, seed 0) and DIR/ids.txt, T random input ids (seed 1), for both sides to read.
  time --dir DIR --steps M --threads N --runs R
      times what `attention-lens bench ig` times: integrated gradients of the prediction an analysis
      explains (classifier: the argmax label's logit; LM: log-probability of the argmax next token at the
      last position) from the zero inputs_embeds baseline with the midpoint rule alpha_k = (k - 1/2)/M —
      M forward+backward passes for the path plus one each for f(x) and f(baseline) — one sequence at a time
      as ours runs them (float32, eager attention). With --batched the M path points go as one batch of M
      (what Captum's internal batching does), reported as a second line. Prints one JSON line per variant.
Run with Debian's torch and the reference transformers:  . /tmp/hf-reference/env.sh && /usr/bin/python3 scripts/bench_ig.py ...
"""
import argparse
import json
import os
import statistics
import time

import torch
import transformers


def prepare(args):
    torch.manual_seed(0)
    if args.model == "bert-base":
        config = transformers.BertConfig(num_labels=2, architectures=["BertForSequenceClassification"])
        model = transformers.BertForSequenceClassification(config)
    else:
        config = transformers.GPT2Config(architectures=["GPT2LMHeadModel"])
        model = transformers.GPT2LMHeadModel(config)
    os.makedirs(args.dir, exist_ok=True)
    model.save_pretrained(args.dir, safe_serialization=True)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(1000, config.vocab_size, (args.tokens,), generator=g).tolist()
    with open(os.path.join(args.dir, "ids.txt"), "w") as f:
        f.write(",".join(map(str, ids)) + "\n")


def load(folder):
    config = transformers.AutoConfig.from_pretrained(folder)
    cls = getattr(transformers, config.architectures[0])
    model = cls.from_pretrained(folder, attn_implementation="eager").float().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, config


def integrated_gradients(model, kind, x, steps, batched):
    T = x.shape[0]

    def y_of(logits):  # logits [B, ...] -> y [B]
        if kind == "classifier":
            z = logits
            return z[:, target]
        return torch.log_softmax(logits[:, T - 1], -1)[:, target]

    with torch.no_grad():
        logits = model(inputs_embeds=x.unsqueeze(0)).logits
        z = logits[0] if kind == "classifier" else logits[0, T - 1]
    target = int(torch.argmax(z))
    baseline = torch.zeros_like(x)
    values = []
    for point in (x, baseline):  # f(x), f(x') with their gradients, as ours computes them
        e = point.clone().unsqueeze(0).requires_grad_(True)
        y = y_of(model(inputs_embeds=e).logits).sum()
        y.backward()
        values.append(float(y))
    alphas = [(k - 0.5) / steps for k in range(1, steps + 1)]
    total = torch.zeros_like(x)
    if batched:
        e = torch.stack([baseline + a * (x - baseline) for a in alphas]).requires_grad_(True)
        y_of(model(inputs_embeds=e).logits).sum().backward()
        total = e.grad.sum(0)
    else:
        for a in alphas:
            e = (baseline + a * (x - baseline)).unsqueeze(0).requires_grad_(True)
            y_of(model(inputs_embeds=e).logits).sum().backward()
            total += e.grad[0]
    scores = ((x - baseline) * total / steps).sum(-1)
    return values[0], values[1], float(scores.sum())


def time_it(args):
    torch.set_num_threads(args.threads)
    model, config = load(args.dir)
    kind = "classifier" if "SequenceClassification" in config.architectures[0] else "lm"
    with open(os.path.join(args.dir, "ids.txt")) as f:
        ids = [int(v) for v in f.read().replace(",", " ").split()]
    x = model.get_input_embeddings().weight.detach()[torch.tensor(ids)].clone()
    for batched in ([False, True] if args.batched else [False]):
        integrated_gradients(model, kind, x, args.steps, batched)  # warm-up
        runs, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            fx, fb, total = integrated_gradients(model, kind, x, args.steps, batched)
            runs.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(json.dumps({"model": config.architectures[0], "tokens": len(ids), "steps": args.steps, "threads": args.threads,
                          "batched": batched, "median_s": statistics.median(runs), "min_s": min(runs), "cpu_s": statistics.median(cpu),
                          "y": fx, "f_baseline": fb, "sum": total, "gap": total - (fx - fb), "runs": runs}), flush=True)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("prepare")
    a.add_argument("--model", choices=["bert-base", "gpt2"], required=True)
    a.add_argument("--tokens", type=int, default=128)
    a.add_argument("--dir", required=True)
    b = sub.add_parser("time")
    b.add_argument("--dir", required=True)
    b.add_argument("--steps", type=int, default=32)
    b.add_argument("--threads", type=int, default=2)
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--batched", action="store_true")
    args = p.parse_args()
    prepare(args) if args.command == "prepare" else time_it(args)


if __name__ == "__main__":
    main()
