#!/usr/bin/env python3
"""Checks `attention-lens bench flow --causal-tokens N --write-attention PATH` against the references:
scipy's compiled Dinic (scipy.sparse.csgraph.maximum_flow on capacities x 1e7 rounded to int64, as
GlobEnc computes flow) for every layer's flow from the last token, and networkx's Edmonds-Karp (the
reference's algorithm, exact in floating point) for the top layer at SINKS evenly spaced sinks.
The graph is built as the pipeline builds it: causal mask, then (A + I) / rowsum.

Usage: bench-flow-causal-check.py PATH.npy [--sinks K]   Prints one JSON line; exits 1 when
networkx differs by more than 1e-9 or scipy by more than 1e-5 (its rounding: up to half a unit of
1e-7 per cut edge).
"""
import json
import sys

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

SCALE = 10_000_000


def main():
    path = sys.argv[1]
    sinks = int(sys.argv[sys.argv.index("--sinks") + 1]) if "--sinks" in sys.argv else 8
    stem = path[:-4]
    att = np.load(path)
    ours = np.load(stem + ".by_layer_raw.npy")
    L, _, n, _ = att.shape
    m = np.tril(att[:, 0]) + np.eye(n)
    res = m / m.sum(axis=-1, keepdims=True)
    adj = np.zeros(((L + 1) * n, (L + 1) * n))
    for l in range(L):
        adj[(l + 1) * n:(l + 2) * n, l * n:(l + 1) * n] = res[l]
    graph = csr_matrix(np.round(adj * SCALE).astype(np.int64))
    scipy_flows = np.array([[maximum_flow(graph, l * n + n - 1, j, method="dinic").flow_value for j in range(n)]
                            for l in range(1, L + 1)], dtype=np.float64) / SCALE
    g = nx.DiGraph()
    for l in range(1, L + 1):
        for i in range(n):
            for j in range(i + 1):
                if res[l - 1, i, j] > 0:
                    g.add_edge((l, i), (l - 1, j), capacity=float(res[l - 1, i, j]))
    picked = sorted(set(int(round(k * (n - 1) / max(1, sinks - 1))) for k in range(sinks)))
    nx_diff = max(abs(nx.maximum_flow_value(g, (L, n - 1), (0, j), flow_func=nx.algorithms.flow.edmonds_karp) - ours[L - 1, j])
                  for j in picked)
    scipy_diff = float(np.abs(scipy_flows - ours).max())
    ok = nx_diff <= 1e-9 and scipy_diff <= 1e-5
    print(json.dumps({"bench": "flow-causal-check", "layers": L, "n": n, "scipy_max_flows": int(scipy_flows.size),
                      "scipy_max_abs_diff": scipy_diff, "networkx_sinks": picked, "networkx_max_abs_diff": nx_diff, "ok": ok}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
