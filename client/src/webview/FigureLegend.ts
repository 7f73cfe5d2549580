// What a drawing's legend says, in a form both the screen (HTML, webview/EdgeFilter.ts and the
// comparison legend) and an exported figure (SVG, webview/exportFigure.ts) can draw.

export type FigureLegend =
  /** A colour ramp from weak to strong with the values at its ends. */
  | { kind: 'ramp'; label: string; min: number; max: number; colors: string[] }
  /** Named colours (a comparison's shared / only A / only B edges). */
  | { kind: 'classes'; label: string; items: { label: string; color: string }[] };

/** A number for a legend: three significant digits, no exponent for the usual attention range. */
export function legendNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}
