// Token elements shared by the views: every element that stands for an input token carries
// `data-token-index`, is focusable and works with the keyboard. Text goes in with d3's .text()
// (textContent), so token text is never parsed as HTML.
import type { Selection } from 'd3';
import type { PanelHost } from './PanelHost';

/**
 * A view's reaction to a token chosen in it: highlight locally at once, then tell the host, which
 * echoes the choice to the other views (other panels in VS Code, the other drawings of the same
 * analysis in a report). Null clears the selection.
 */
export function tokenChooser(host: PanelHost, select: (index: number | null) => void): (index: number | null) => void {
  return (index) => {
    select(index);
    host.send({ type: 'tokenSelected', index });
  };
}

/** Makes token elements selectable by click, Enter/Space (Escape clears), and moves focus with the arrow keys. */
export function makeTokensInteractive<E extends Element>(
  selection: Selection<E, number, Element | null, unknown>,
  label: (index: number) => string,
  choose: (index: number | null) => void,
): void {
  selection
    .attr('data-token-index', (i) => i)
    .attr('tabindex', 0)
    .attr('role', 'button')
    .attr('aria-label', (i) => label(i))
    .classed('token', true)
    .on('click', (event: Event, i) => { event.stopPropagation(); choose(i); })
    .on('keydown', (e: Event, i) => {
      const event = e as KeyboardEvent;
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); choose(i); }
      else if (event.key === 'Escape') { event.preventDefault(); choose(null); }
      else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft' || event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : -1;
        // Siblings only: a report page holds several drawings with the same token indices.
        const parent = (event.currentTarget as Element | null)?.parentElement;
        const next = parent?.querySelector<HTMLElement | SVGElement>(`[data-token-index="${i + step}"]`);
        (next as HTMLElement | null | undefined)?.focus();
      }
    });
}

/** Marks the selected token's elements (and only those) with the `selected` class. */
export function markSelected(root: ParentNode, index: number | null): void {
  root.querySelectorAll('[data-token-index]').forEach((el) => {
    el.classList.toggle('selected', index !== null && el.getAttribute('data-token-index') === String(index));
  });
}
