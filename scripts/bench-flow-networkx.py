#!/usr/bin/env python3
"""Times the reference attention flow (networkx Edmonds-Karp, one max-flow per (target, token)
pair, as Abnar & Zuidema's attention_graph_util.py does) on an attention tensor written by
`attention-lens bench flow --write-attention`, and checks the C# flows written beside it.

Reads .npy without numpy (little-endian float64, C order only). Prints one JSON line.
Usage: bench-flow-networkx.py ATTENTION.npy [--pairs K]   (K < n*n times only the first K pairs
and extrapolates; the default times them all)."""
import ast
import json
import struct
import sys
import time

import networkx as nx


def read_npy(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    major = raw[6]
    if major == 1:
        hlen, start = struct.unpack("<H", raw[8:10])[0], 10
    else:
        hlen, start = struct.unpack("<I", raw[8:12])[0], 12
    header = ast.literal_eval(raw[start:start + hlen].decode("latin1"))
    if header["descr"] != "<f8" or header["fortran_order"]:
        sys.exit(f"{path}: need little-endian float64 C-order, got {header}")
    shape = tuple(header["shape"])
    count = 1
    for d in shape:
        count *= d
    values = struct.unpack(f"<{count}d", raw[start + hlen:start + hlen + 8 * count])
    return shape, values


def main():
    path = sys.argv[1]
    pairs = None
    if "--pairs" in sys.argv:
        pairs = int(sys.argv[sys.argv.index("--pairs") + 1])
    (L, H, n, _), att = read_npy(path)

    def a(l, h, i, j):
        return att[((l * H + h) * n + i) * n + j]

    # Residual-augmented attention exactly as the reference builds it: (sum_h A / H + I) / rowsum.
    res = []
    for l in range(L):
        m = [[sum(a(l, h, i, j) for h in range(H)) / H + (1.0 if i == j else 0.0) for j in range(n)] for i in range(n)]
        res.append([[v / sum(row) for v in row] for row in m])
    g = nx.DiGraph()
    g.add_nodes_from(range((L + 1) * n))
    for l in range(1, L + 1):
        for i in range(n):
            for j in range(n):
                c = res[l - 1][i][j]
                if c != 0:
                    g.add_edge(l * n + i, (l - 1) * n + j, capacity=c)
    todo = [(t, j) for t in range(n) for j in range(n)]
    if pairs is not None:
        todo = todo[:pairs]
    flows = {}
    start = time.perf_counter()
    for t, j in todo:
        flows[(t, j)] = nx.maximum_flow_value(g, L * n + t, j, flow_func=nx.algorithms.flow.edmonds_karp)
    seconds = time.perf_counter() - start
    all_seconds = seconds * (n * n) / len(todo)

    worst = None
    try:
        (_, _), csharp = read_npy(path[:-4] + ".flow_raw.npy")
        worst = max(abs(flows[(t, j)] - csharp[t * n + j]) for (t, j) in todo)
    except (OSError, SystemExit):
        pass
    print(json.dumps({"bench": "flow-networkx", "n": n, "layers": L, "heads": H, "pairs_timed": len(todo),
                      "seconds_timed": round(seconds, 3), "seconds_all_targets": round(all_seconds, 3),
                      "extrapolated": len(todo) < n * n, "max_abs_diff_vs_csharp": worst,
                      "networkx": nx.__version__}))


if __name__ == "__main__":
    main()
