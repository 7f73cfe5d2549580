import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerEdge } from '../src/shared/analysisView';
import { defaultKeep, keepForPosition, pathStrength, positionForKeep, pruneTraced, sliderSteps, strengthOf, strongest, weightRange } from '../src/shared/edgeStrength';
import { tracedFromTarget } from '../src/shared/graph';

const e = (layer: number, from: number, to: number, weight: number): LayerEdge => ({ layer, from, to, weight });

test('the slider is geometric: one edge at the start, all at the end, never fewer as it moves right', () => {
  for (const total of [1, 2, 7, 150, 3925]) {
    assert.equal(keepForPosition(0, total), 1);
    assert.equal(keepForPosition(sliderSteps, total), total);
    let previous = 0;
    for (let p = 0; p <= sliderSteps; p++) {
      const k = keepForPosition(p, total);
      assert.ok(k >= previous && k >= 1 && k <= total, `total ${total}, position ${p}: ${k} after ${previous}`);
      previous = k;
    }
  }
  assert.equal(keepForPosition(5, 0), 0);
  // Half way keeps about √total.
  assert.equal(keepForPosition(sliderSteps / 2, 3600), 60);
});

test('positionForKeep finds the first position keeping at least that many edges', () => {
  for (const total of [2, 30, 3925]) {
    for (const keep of [1, 2, 10, 29, 250, total]) {
      const p = positionForKeep(keep, total);
      assert.ok(keepForPosition(p, total) >= Math.min(keep, total), `total ${total}, keep ${keep}: position ${p}`);
      if (p > 0) assert.ok(keepForPosition(p - 1, total) < Math.min(keep, total), `total ${total}, keep ${keep}: position ${p} is not the first`);
    }
  }
  assert.equal(defaultKeep(40), 40);
  assert.equal(defaultKeep(4000), 250);
});

test('strongest keeps the heaviest edges in their input order, ties by order', () => {
  const edges = [e(1, 0, 0, 0.2), e(1, 1, 0, 0.9), e(1, 2, 0, 0.5), e(1, 3, 0, 0.5), e(1, 4, 0, 0.1)];
  assert.deepEqual(strongest(edges, 3).map((x) => x.from), [1, 2, 3]);
  assert.deepEqual(strongest(edges, 2).map((x) => x.from), [1, 2]);
  assert.deepEqual(strongest(edges, 0), []);
  assert.equal(strongest(edges, 99).length, 5);
});

test('pathStrength is the best bottleneck of a target-to-input path through each edge', () => {
  // Two layers, target 2: layer 2 has 2→0 (0.8) and 2→1 (0.3); layer 1 has 0→0 (0.7), 1→1 (0.6), 1→0 (0.2)
  // and 2→2 (0.9), whose upper node (1, 2) the target does not reach.
  const edges = [e(2, 2, 0, 0.8), e(2, 2, 1, 0.3), e(1, 0, 0, 0.7), e(1, 1, 1, 0.6), e(1, 1, 0, 0.2), e(1, 2, 2, 0.9)];
  // Paths: 2→0→0 (bottleneck 0.7), 2→1→1 (0.3), 2→1→0 (0.2).
  assert.deepEqual(pathStrength(edges, 2, 2), [0.7, 0.3, 0.7, 0.3, 0.2, -Infinity]);
});

test('pruneTraced keeps whole paths, strongest first, so fewer edges are drawn', () => {
  const edges = [e(2, 2, 0, 0.8), e(2, 2, 1, 0.3), e(1, 0, 0, 0.7), e(1, 1, 1, 0.6), e(1, 1, 0, 0.2)];
  const keys = (kept: LayerEdge[]) => kept.map((x) => `${x.layer}:${x.from}:${x.to}`);
  assert.deepEqual(pruneTraced(edges, 2, 2, 99), tracedFromTarget(edges, 2, 2));
  // The strongest edge 2→0 and 0→0 below it form the best path; a path is never split at a tie.
  assert.deepEqual(keys(pruneTraced(edges, 2, 2, 1)), ['2:2:0', '1:0:0']);
  assert.deepEqual(keys(pruneTraced(edges, 2, 2, 2)), ['2:2:0', '1:0:0']);
  assert.deepEqual(keys(pruneTraced(edges, 2, 2, 3)), ['2:2:0', '2:2:1', '1:0:0', '1:1:1']);
  assert.equal(pruneTraced(edges, 2, 2, 0).length, 0);
  assert.ok(pruneTraced(edges, 2, 2, 2).length < pruneTraced(edges, 2, 2, 5).length);
});

test('on random layered graphs every kept edge lies on a kept path from the target to an input', () => {
  let seed = 7;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let round = 0; round < 20; round++) {
    const layers = 2 + Math.floor(random() * 4);
    const tokens = 3 + Math.floor(random() * 8);
    const edges: LayerEdge[] = [];
    for (let l = 1; l <= layers; l++) for (let from = 0; from < tokens; from++) for (let to = 0; to < tokens; to++) if (random() < 0.3) edges.push(e(l, from, to, random()));
    const target = tokens - 1;
    const traced = tracedFromTarget(edges, layers, target);
    let previous = 0;
    for (const keep of [1, 2, 5, 10, 40, traced.length - 1].filter((k) => k < traced.length)) {
      const kept = pruneTraced(traced, layers, target, keep);
      assert.ok(kept.length >= Math.min(keep, previous), `round ${round}: keeping ${keep} drew ${kept.length} after ${previous}`);
      previous = kept.length;
      // Every kept edge's lower node continues down to an input through kept edges (the whole
      // traced graph, drawn when nothing is pruned, may hold dead ends).
      const continues = (layer: number, node: number): boolean => layer === 0 || kept.some((x) => x.layer === layer && x.from === node && continues(layer - 1, x.to));
      for (const x of kept) assert.ok(continues(x.layer - 1, x.to), `round ${round}, keep ${keep}: ${x.layer}:${x.from}:${x.to} is a dead end`);
    }
  }
});

test('weight ranges and strengths map into 0..1', () => {
  assert.deepEqual(weightRange([{ weight: 0.2 }, { weight: 0.9 }, { weight: NaN }]), { min: 0.2, max: 0.9 });
  assert.deepEqual(weightRange([]), { min: 0, max: 1 });
  assert.equal(strengthOf(0.2, { min: 0.2, max: 0.9 }), 0);
  assert.equal(strengthOf(0.9, { min: 0.2, max: 0.9 }), 1);
  assert.ok(Math.abs(strengthOf(0.55, { min: 0.2, max: 0.9 }) - 0.5) < 1e-12);
  assert.equal(strengthOf(0.4, { min: 0.4, max: 0.4 }), 1);
});
