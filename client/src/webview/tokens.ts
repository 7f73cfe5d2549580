// Token elements shared by the views: every element that stands for an input token carries
// `data-token-index`, is focusable and works with the keyboard. Text goes in with d3's .text()
// (textContent), so token text is never parsed as HTML.
import type { Selection } from 'd3';
import { send } from './hostBridge';

/** Makes token elements selectable by click, Enter/Space, and moves focus with the arrow keys. */
export function makeTokensInteractive<E extends Element>(selection: Selection<E, number, Element | null, unknown>, label: (index: number) => string): void {
  selection
    .attr('data-token-index', (i) => i)
    .attr('tabindex', 0)
    .attr('role', 'button')
    .attr('aria-label', (i) => label(i))
    .classed('token', true)
    .on('click', (event: Event, i) => { event.stopPropagation(); chooseToken(i); })
    .on('keydown', (e: Event, i) => {
      const event = e as KeyboardEvent;
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); chooseToken(i); }
      else if (event.key === 'Escape') { event.preventDefault(); send({ type: 'tokenSelected', index: null }); clearSelection(); }
      else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft' || event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : -1;
        const next = document.querySelector<HTMLElement | SVGElement>(`[data-token-index="${i + step}"]`);
        (next as HTMLElement | null)?.focus();
      }
    });
}

let onChoose: (index: number | null) => void = () => undefined;

/** The view's reaction to a local choice (before the host echoes it to the other panels). */
export function setTokenChoiceHandler(handler: (index: number | null) => void): void {
  onChoose = handler;
}

function chooseToken(index: number): void {
  onChoose(index);
  send({ type: 'tokenSelected', index });
}

function clearSelection(): void {
  onChoose(null);
}

/** Marks the selected token's elements (and only those) with the `selected` class. */
export function markSelected(root: ParentNode, index: number | null): void {
  root.querySelectorAll('[data-token-index]').forEach((el) => {
    el.classList.toggle('selected', index !== null && el.getAttribute('data-token-index') === String(index));
  });
}
