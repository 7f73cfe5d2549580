#!/usr/bin/env python3
"""Times scipy's compiled Dinic (scipy.sparse.csgraph.maximum_flow, method='dinic') on the attention
tensors written by `attention-lens bench flow --write-attention ATT.npy`, the way GlobEnc
(Modarressi et al. 2022, src/attention_max_flow.py) computes attention flow: one (L+1)n x (L+1)n
adjacency with edge (l, i) -> (l-1, j) of capacity A^[l][i, j] (residual-augmented, head-averaged,
row-normalised as Abnar & Zuidema build it), capacities scaled by SCALE = 1e7 and rounded to int64
(scipy's max-flow takes integers only), one maximum_flow call per (target, token) pair, the value
divided by SCALE.

Cases, as the C# bench defines them: n = 16, all 16 targets x 16 tokens = 256 max-flows; n = 128,
target 0 x 128 tokens = 128 max-flows. Each case is timed REPEATS times (process CPU time and
wall time per repetition, after one warm-up); the medians and ranges are printed, with scipy's
largest difference from the C# exact values written beside the tensors (the rounding to 1e-7 per
edge moves a cut's capacity by up to half a unit per cut edge, so expect ~1e-7..1e-6).

Usage: bench-flow-scipy.py ATT.npy [--repeats R]   Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

SCALE = 10_000_000  # GlobEnc's `approx`


def adjacency(att):
    L, H, n, _ = att.shape
    m = att.sum(axis=1) / H + np.eye(n)
    res = m / m.sum(axis=-1, keepdims=True)
    adj = np.zeros(((L + 1) * n, (L + 1) * n))
    for l in range(L):
        adj[(l + 1) * n:(l + 2) * n, l * n:(l + 1) * n] = res[l]
    return csr_matrix(np.round(adj * SCALE).astype(np.int64)), L, n


def flows(graph, L, n, targets):
    return np.array([[maximum_flow(graph, L * n + t, j, method="dinic").flow_value for j in range(n)]
                     for t in targets], dtype=np.float64) / SCALE


def timed(graph, L, n, targets, repeats):
    flows(graph, L, n, targets)
    cpu, wall = [], []
    for _ in range(repeats):
        c, w = time.process_time(), time.perf_counter()
        values = flows(graph, L, n, targets)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return values, cpu, wall


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    stem = path[:-4]
    out = {"bench": "flow-scipy", "scipy": scipy.__version__, "method": "dinic", "scale": SCALE, "repeats": repeats}
    for case, file, targets_of, ours in (("flow_all_targets", path, lambda n: range(n), stem + ".flow_raw.npy"),
                                         ("flow_one_target", stem + ".n128.npy", lambda n: [0], stem + ".n128.flow_one_raw.npy")):
        graph, L, n = adjacency(np.load(file))
        values, cpu, wall = timed(graph, L, n, targets_of(n), repeats)
        exact = np.load(ours).reshape(values.shape)
        out[f"{case}_n{n}"] = {
            "max_flows": int(values.size), "edges": int(graph.nnz),
            "cpu_ms": round(float(np.median(cpu)), 2), "cpu_ms_range": [round(min(cpu), 2), round(max(cpu), 2)],
            "wall_ms": round(float(np.median(wall)), 2), "wall_ms_range": [round(min(wall), 2), round(max(wall), 2)],
            "max_abs_diff_vs_csharp": float(np.abs(values - exact).max()),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
