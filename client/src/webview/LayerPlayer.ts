// Play/pause and a slider that step through layers like a video (Flow Trace, Layer Graph).
// Keyboard: the slider takes arrow keys natively; the button takes Enter/Space.

const stepMs = 900;

export class LayerPlayer {
  private readonly button: HTMLButtonElement;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLSpanElement;
  private timer: number | undefined;

  constructor(parent: HTMLElement, private readonly layers: number, private readonly onLayer: (layer: number) => void, initial = layers) {
    const bar = document.createElement('div');
    bar.className = 'player';
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = 'play';
    this.button.addEventListener('click', () => (this.timer === undefined ? this.play() : this.pause()));
    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.min = '1';
    this.slider.max = String(layers);
    this.slider.step = '1';
    this.slider.value = String(initial);
    this.slider.setAttribute('aria-label', 'Layer');
    this.slider.addEventListener('input', () => { this.pause(); this.show(Number(this.slider.value)); });
    this.label = document.createElement('span');
    this.label.className = 'layer-label';
    bar.append(this.button, this.slider, this.label);
    parent.append(bar);
    this.setPlaying(false);
    this.show(initial);
  }

  get layer(): number { return Number(this.slider.value); }

  private show(layer: number): void {
    this.slider.value = String(layer);
    this.label.textContent = `Layer ${layer} / ${this.layers}`;
    this.onLayer(layer);
  }

  play(): void {
    if (this.layer >= this.layers) this.show(1);
    this.setPlaying(true);
    this.timer = window.setInterval(() => {
      if (this.layer >= this.layers) { this.pause(); return; }
      this.show(this.layer + 1);
    }, stepMs);
  }

  pause(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
    this.setPlaying(false);
  }

  private setPlaying(playing: boolean): void {
    this.button.textContent = playing ? '⏸ Pause' : '▶ Play';
    this.button.setAttribute('aria-label', playing ? 'Pause' : 'Play through the layers');
  }

  dispose(): void { this.pause(); }
}
