// Colour scales. Panels take their hues from the VS Code theme (CSS variables) so they read well in
// light, dark and high-contrast themes; intensity is carried by opacity, which works on any hue.
import type { EdgeClass } from './analysisView';

/** Editor decorations are created once per intensity step; this many steps look continuous. */
export const intensitySteps = 10;

/** Scales scores to [0, 1] by the largest absolute score; all-zero or empty input stays zero. */
export function normalise(scores: readonly number[]): number[] {
  let max = 0;
  for (const s of scores) if (Number.isFinite(s)) max = Math.max(max, Math.abs(s));
  return scores.map((s) => (max > 0 && Number.isFinite(s) ? Math.abs(s) / max : 0));
}

/** The decoration step of a normalised score: −1 for none (≤ 0), else 0..steps−1 (1 → the last). */
export function intensityStep(normalised: number, steps = intensitySteps): number {
  if (!(normalised > 0)) return -1;
  return Math.min(steps - 1, Math.floor(normalised * steps - 1e-9));
}

/** The background opacity of a decoration step: faint at step 0, never opaque so text stays legible. */
export function stepOpacity(step: number, steps = intensitySteps): number {
  return Number((0.08 + (0.55 * (step + 1)) / steps).toFixed(3));
}

export type Rgb = readonly [number, number, number];

/** Parses the colour forms VS Code themes use (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba()); undefined otherwise. */
export function parseColor(css: string): Rgb | undefined {
  const text = css.trim();
  let m = /^#([0-9a-f]{3,4})$/i.exec(text);
  if (m) { const h = m[1] as string; return [0, 1, 2].map((i) => parseInt((h[i] as string) + (h[i] as string), 16)) as unknown as Rgb; }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(text);
  if (m) { const h = m[1] as string; return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as unknown as Rgb; }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(text);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.max(0, Math.min(255, Math.round(v)))) as unknown as Rgb;
  return undefined;
}

export function rgba([r, g, b]: Rgb, alpha: number): string {
  return `rgba(${r}, ${g}, ${b}, ${Math.max(0, Math.min(1, alpha)).toFixed(3)})`;
}

/** Linear interpolation between two colours, t in [0, 1]. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const u = Math.max(0, Math.min(1, t));
  return [0, 1, 2].map((i) => Math.round((a[i] as number) + ((b[i] as number) - (a[i] as number)) * u)) as unknown as Rgb;
}

/** Theme variables for the three edge classes of a comparison, and their legend labels. */
export const edgeClassColorVariable: Record<EdgeClass, string> = {
  shared: '--vscode-charts-purple',
  onlyA: '--vscode-charts-blue',
  onlyB: '--vscode-charts-orange',
};

export function edgeClassLabel(edgeClass: EdgeClass, modelA: string, modelB: string): string {
  switch (edgeClass) {
    case 'shared': return 'shared by both models';
    case 'onlyA': return `only ${modelA}`;
    case 'onlyB': return `only ${modelB}`;
  }
}
