// Reading the VS Code theme from CSS variables, for the places that need a concrete colour (canvas
// heatmaps, exported SVG) rather than a `var(--…)` reference.
import { parseColor, type Rgb } from '../shared/colorScale';

export function themeColor(variable: string, fallback: Rgb): Rgb {
  const value = getComputedStyle(document.body).getPropertyValue(variable);
  return parseColor(value) ?? fallback;
}

export function cssVar(variable: string): string {
  return `var(${variable})`;
}
