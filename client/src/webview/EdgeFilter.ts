// The edge-strength control of the views that draw attention edges: a slider keeping the strongest
// N edges (geometric steps, shared/edgeStrength.ts), the count drawn, and the colour legend of edge
// strength. Moving the slider calls back at once; the view redraws only its edges.
import { defaultKeep, keepForPosition, positionForKeep, sliderSteps } from '../shared/edgeStrength';
import { legendNumber, type FigureLegend } from './FigureLegend';

export class EdgeFilter {
  private readonly slider: HTMLInputElement;
  private readonly count: HTMLSpanElement;
  private readonly legendBox: HTMLSpanElement;
  private total = 0;
  private kept = 0;

  constructor(parent: HTMLElement, private readonly onChange: (keep: number) => void, private readonly noun = 'edges') {
    const bar = document.createElement('div');
    bar.className = 'edge-filter';
    const label = document.createElement('label');
    label.append('Strongest ');
    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.max = String(sliderSteps);
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', `Edge strength: how many of the strongest ${noun} to draw`);
    this.slider.addEventListener('input', () => {
      this.kept = keepForPosition(Number(this.slider.value), this.total);
      this.onChange(this.kept);
    });
    label.append(this.slider);
    this.count = document.createElement('span');
    this.count.className = 'edge-count';
    this.legendBox = document.createElement('span');
    this.legendBox.className = 'strength-legend';
    bar.append(label, this.count, this.legendBox);
    parent.append(bar);
  }

  /** A new set of `total` candidate edges; keeps `keep` (default: shared/edgeStrength's) of them. */
  reset(total: number, keep = defaultKeep(total)): number {
    this.total = total;
    this.kept = Math.min(total, keep);
    this.slider.value = String(positionForKeep(this.kept, total));
    this.slider.disabled = total <= 1;
    return this.kept;
  }

  get keep(): number { return this.kept; }

  /** Says how many edges are drawn (pruning may leave fewer than kept: paths cut off). */
  showDrawn(drawn: number): void {
    this.count.textContent = `${drawn.toLocaleString('en')} of ${this.total.toLocaleString('en')} ${this.noun} drawn`;
    this.slider.setAttribute('aria-valuetext', this.count.textContent);
  }

  /** Draws the legend (a colour ramp, or named colours) beside the slider. */
  showLegend(legend: FigureLegend | null): void {
    this.legendBox.replaceChildren();
    if (!legend) return;
    if (legend.kind === 'ramp') {
      const low = document.createElement('span');
      low.textContent = `${legend.label}: ${legendNumber(legend.min)}`;
      const bar = document.createElement('span');
      bar.className = 'ramp';
      for (const c of legend.colors) {
        const s = document.createElement('span');
        s.style.background = c;
        bar.append(s);
      }
      const high = document.createElement('span');
      high.textContent = legendNumber(legend.max);
      this.legendBox.append(low, bar, high);
    }
  }
}
