// Reducing the heads of one layer to one matrix (docs/methods.md §1): mean, max, min or sum over heads.
import type { AttentionResult, HeadReductionName, Matrix } from '../protocol';
import type { LayerAttention } from './messages';

/** Rows of a row-major matrix. */
export function rowsOf(m: Matrix): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < m.rows; r++) rows.push(m.data.slice(r * m.cols, (r + 1) * m.cols));
  return rows;
}

/** Reduces `heads` blocks of (tokens × tokens) attention stored one after another in `data`. */
export function reduceHeads(data: readonly number[], heads: number, tokens: number, reduction: HeadReductionName): number[][] {
  const size = tokens * tokens;
  if (data.length !== heads * size) {
    throw new Error(`attention has ${data.length} values, expected ${heads} heads × ${tokens}² = ${heads * size}`);
  }
  const out: number[][] = [];
  for (let i = 0; i < tokens; i++) {
    const row: number[] = [];
    for (let j = 0; j < tokens; j++) {
      let acc = reduction === 'max' ? -Infinity : reduction === 'min' ? Infinity : 0;
      for (let h = 0; h < heads; h++) {
        const v = data[h * size + i * tokens + j] as number;
        acc = reduction === 'max' ? Math.max(acc, v) : reduction === 'min' ? Math.min(acc, v) : acc + v;
      }
      row.push(reduction === 'mean' ? acc / heads : acc);
    }
    out.push(row);
  }
  return out;
}

/** One head's (tokens × tokens) block as rows. */
export function headRows(data: readonly number[], head: number, tokens: number): number[][] {
  const start = head * tokens * tokens;
  const rows: number[][] = [];
  for (let i = 0; i < tokens; i++) rows.push(data.slice(start + i * tokens, start + (i + 1) * tokens) as number[]);
  return rows;
}

/** One layer of an `attentionLens/attention` result as the views take it: its heads in order, one T×T block each. */
export function layerAttentionOf(result: AttentionResult, layer: number): LayerAttention {
  const matrices = result.matrices.filter((m) => m.layer === layer).sort((a, b) => a.head - b.head);
  return { layer, heads: matrices.length, tokens: result.tokens, data: matrices.flatMap((m) => m.data) };
}
