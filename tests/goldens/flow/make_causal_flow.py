#!/usr/bin/env python3
"""Causal attention-flow goldens (decoder attention, the order the sink sweeps take there: last token down).

For each case: synthetic head-mean causal attention [L, 1, n, n] (numpy, seeded: softmax over keys
j <= i of uniform noise plus an attention sink on token 0, the previous token and one random earlier
key, averaged over 4 heads), then networkx's Edmonds-Karp (the reference's algorithm, Abnar &
Zuidema's attention_graph_util.py) on the layered graph with capacities (A + I) / rowsum, one
max-flow per (source layer, sink) from the last token: flow_by_layer_raw[l - 1, j] is the max-flow
from node (l, n - 1) to (0, j). Writes <case>/attention.npy and <case>/flow_by_layer_raw.npy here.

Cases: causal_n24 (16 layers, n = 24: one 64-bit word per layer, Dinic's search) and causal_n72
(4 layers, n = 72: two words, shortest augmenting paths). Run with Debian's python:
  /usr/bin/python3 tests/goldens/flow/make_causal_flow.py
"""
import os

import networkx as nx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def attention(layers, n, heads, seed):
    rng = np.random.default_rng(seed)
    att = np.zeros((layers, 1, n, n))
    for l in range(layers):
        for h in range(heads):
            logits = 2.0 * rng.random((n, n))
            logits[:, 0] += 5.0
            if h % 2 == 1:
                logits[np.arange(1, n), np.arange(n - 1)] += 4.0
            for i in range(n):
                logits[i, rng.integers(0, i + 1)] += 5.0
            logits[np.triu_indices(n, 1)] = -np.inf
            p = np.exp(logits - logits.max(axis=-1, keepdims=True))
            att[l, 0] += p / p.sum(axis=-1, keepdims=True) / heads
    return att


def flows(att):
    layers, _, n, _ = att.shape
    m = att[:, 0] + np.eye(n)
    res = m / m.sum(axis=-1, keepdims=True)
    g = nx.DiGraph()
    for l in range(1, layers + 1):
        for i in range(n):
            for j in range(i + 1):
                g.add_edge((l, i), (l - 1, j), capacity=float(res[l - 1, i, j]))
    out = np.zeros((layers, n))
    for l in range(1, layers + 1):
        for j in range(n):
            out[l - 1, j] = nx.maximum_flow_value(g, (l, n - 1), (0, j), flow_func=nx.algorithms.flow.edmonds_karp)
    return out


def main():
    for name, layers, n, seed in (("causal_n24", 16, 24, 24), ("causal_n72", 4, 72, 72)):
        att = attention(layers, n, 4, seed)
        os.makedirs(os.path.join(HERE, name), exist_ok=True)
        np.save(os.path.join(HERE, name, "attention.npy"), att)
        np.save(os.path.join(HERE, name, "flow_by_layer_raw.npy"), flows(att))
        print(name, "written")


if __name__ == "__main__":
    main()
