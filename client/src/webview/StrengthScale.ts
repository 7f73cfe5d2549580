// Edge strength as colour: viridis (van der Walt & Smith's perceptually uniform, colour-blind-safe map,
// as d3-scale-chromatic implements it), oriented so that strong edges contrast most with the
// background — bright yellow on a dark theme, deep purple on a light one — and weak edges fade
// toward it. Width carries the same strength, so the picture survives greyscale printing.
import { interpolateViridis } from 'd3';
import { strengthOf } from '../shared/edgeStrength';
import { themeColor } from './theme';

/** Relative luminance (sRGB, ITU-R BT.709 weights, without gamma: enough to tell dark from light). */
export function isDarkBackground(): boolean {
  const [r, g, b] = themeColor('--vscode-editor-background', [30, 30, 30]);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

/** Ends of viridis used: the darkest purple vanishes on a dark page, the lightest yellow on a white one. */
const weakOnDark = 0.12;
const weakOnLight = 0.86;

export class StrengthScale {
  constructor(readonly range: { min: number; max: number }, private readonly onDark: boolean = isDarkBackground()) {}

  /** The colour of strength t in 0..1. */
  at(t: number): string {
    const u = Math.max(0, Math.min(1, t));
    return interpolateViridis(this.onDark ? weakOnDark + (1 - weakOnDark) * u : weakOnLight * (1 - u));
  }

  color(weight: number): string {
    return this.at(strengthOf(weight, this.range));
  }

  /** `steps` colours from weak to strong, for legends. */
  ramp(steps = 9): string[] {
    return Array.from({ length: steps }, (_, i) => this.at(i / (steps - 1)));
  }
}
