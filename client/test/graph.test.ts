import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEdges, edgeKey, mergeHeads, pathsFromInput, ringPosition, ringRadius, strongestEdges, tracedFromTarget } from '../src/shared/graph';
import type { Edge } from '../src/protocol';

const e = (layer: number, head: number, from: number, to: number, weight: number): Edge => ({ layer, head, from, to, weight });

test('mergeHeads keeps one edge per (layer, from, to) with the strongest head weight', () => {
  const merged = mergeHeads([e(1, 0, 2, 1, 0.2), e(1, 1, 2, 1, 0.6), e(2, 0, 2, 2, 0.3)]);
  assert.deepEqual(merged, [{ layer: 2, from: 2, to: 2, weight: 0.3 }, { layer: 1, from: 2, to: 1, weight: 0.6 }]);
});

test('classifyEdges marks pairs traced by both models as shared, whatever the head', () => {
  const edges = classifyEdges([e(2, 0, 2, 2, 0.5)], [e(1, 1, 2, 0, 0.4), e(2, 3, 2, 1, 0.2)], [e(2, 1, 2, 1, 0.3), e(1, 0, 1, 1, 0.9)]);
  const byKey = new Map(edges.map((x) => [edgeKey(x), x.edgeClass]));
  assert.equal(byKey.get('2:2:2'), 'shared');
  assert.equal(byKey.get('2:2:1'), 'shared'); // A in head 3, B in head 1
  assert.equal(byKey.get('1:2:0'), 'onlyA');
  assert.equal(byKey.get('1:1:1'), 'onlyB');
  assert.equal(edges.length, 4);
});

// Two layers, three tokens, target 2: (2,2)→(1,1), (2,2)→(1,2); (1,1)→(0,0); (1,2)→(0,2); (1,0)→(0,0) is unreachable.
const layered = mergeHeads([e(2, 0, 2, 1, 0.5), e(2, 0, 2, 2, 0.5), e(1, 0, 1, 0, 0.7), e(1, 0, 2, 2, 0.6), e(1, 0, 0, 0, 1), e(2, 0, 0, 0, 1)]);

test('tracedFromTarget keeps only edges on a path from the target', () => {
  const kept = tracedFromTarget(layered, 2, 2).map(edgeKey).sort();
  assert.deepEqual(kept, ['1:1:0', '1:2:2', '2:2:1', '2:2:2']);
});

test('pathsFromInput follows an input token up through the layers', () => {
  const traced = tracedFromTarget(layered, 2, 2);
  assert.deepEqual([...pathsFromInput(traced, 2, 0)].sort(), ['1:1:0', '2:2:1']);
  assert.deepEqual([...pathsFromInput(traced, 2, 2)].sort(), ['1:2:2', '2:2:2']);
  assert.deepEqual([...pathsFromInput(traced, 2, 1)], []);
});

test('strongestEdges keeps the top edges per query and overall, without self-loops', () => {
  const m = [[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]];
  assert.deepEqual(strongestEdges(m, 1, 10), [{ source: 1, target: 0, weight: 0.6 }, { source: 2, target: 1, weight: 0.5 }, { source: 0, target: 1, weight: 0.05 }]);
  assert.equal(strongestEdges(m, 2, 2).length, 2);
  assert.ok(strongestEdges(m, 3, 10).every((p) => p.source !== p.target));
});

test('strongestEdges equals sorting every row, ties and zeros included, at any per-query count', () => {
  // The definition, written plainly: each row's entries by weight (stable, so ties keep the lower key),
  // self-loops and non-positive weights dropped, the first perNode of each row, then all by weight.
  const plain = (m: number[][], perNode: number, maxEdges: number) => m
    .flatMap((row, source) => row.map((weight, target) => ({ source, target, weight }))
      .filter((p) => p.target !== source && p.weight > 0).sort((a, b) => b.weight - a.weight).slice(0, perNode))
    .sort((a, b) => b.weight - a.weight).slice(0, maxEdges);
  let x = 12345;
  const next = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  for (const T of [1, 2, 5, 17, 40]) {
    // Weights on a coarse grid, so that ties and zeros are common.
    const m = Array.from({ length: T }, () => Array.from({ length: T }, () => Math.floor(next() * 6) / 5));
    for (const perNode of [0, 1, 2, 4, T + 3]) for (const maxEdges of [3, Infinity]) {
      assert.deepEqual(strongestEdges(m, perNode, maxEdges), plain(m, perNode, maxEdges), `T=${T} perNode=${perNode} maxEdges=${maxEdges}`);
    }
  }
});

test('ring geometry: inputs outermost, target at the centre, token 0 at 12 o\'clock', () => {
  assert.equal(ringRadius(0, 4, 50, 200), 200);
  assert.equal(ringRadius(3, 4, 50, 200), 50);
  assert.equal(ringRadius(4, 4, 50, 200), 0);
  assert.ok(ringRadius(1, 4, 50, 200) > ringRadius(2, 4, 50, 200));
  const p = ringPosition(0, 4, 10);
  assert.ok(Math.abs(p.x) < 1e-9 && Math.abs(p.y + 10) < 1e-9);
  const q = ringPosition(1, 4, 10);
  assert.ok(Math.abs(q.x - 10) < 1e-9 && Math.abs(q.y) < 1e-9);
});
