#!/usr/bin/env python3
"""The baseline ../shared/bench/torch_forward.py (imported, run unchanged: same model, same forward),
timed per run in wall seconds and in process CPU seconds (time.process_time: every thread of the
process, OpenMP workers included). On a machine shared with other jobs the wall time mostly
measures the load; CPU seconds per forward compare the two programs' work. Prints one JSON line
like the baseline's, plus cpu_s (mean CPU seconds per timed forward).
Usage: /usr/bin/python3 scripts/torch_forward_cpu.py SHARED_BENCH_DIR --model llama-1b --tokens 128 --threads 2 --runs 3
"""
import json, statistics, sys, time

sys.path.insert(0, sys.argv.pop(1))
import torch  # noqa: E402
import torch_forward as tf  # noqa: E402


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="llama-1b", choices=sorted(tf.SIZES))
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = tf.SIZES[a.model]
    m = tf.build(cfg)
    ids = torch.randint(0, cfg["vocab"], (a.tokens,), generator=torch.Generator().manual_seed(1))
    tf.forward(m, cfg, ids)  # warm-up
    runs, cpu = [], 0.0
    for _ in range(a.runs):
        c0, t0 = time.process_time(), time.perf_counter()
        tf.forward(m, cfg, ids)
        runs.append(time.perf_counter() - t0)
        cpu += time.process_time() - c0
    print(json.dumps(dict(model=a.model, tokens=a.tokens, threads=a.threads, median_s=statistics.median(runs),
                          min_s=min(runs), cpu_s=cpu / a.runs, runs=runs, torch=torch.__version__)))


if __name__ == "__main__":
    main()
