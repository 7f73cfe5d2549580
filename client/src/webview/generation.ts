// Entry point of the Continue and Explain panel's bundle (dist/client/generation.js): draws the
// generated tokens as buttons; clicking one asks the host to explain it, "Insert" to put the
// continuation into the document. Token text goes into the DOM with textContent only.
import './generation.css';
import { parseGenerationHostMessage, type GenerationToHostMessage, type GenerationView } from '../shared/generation';

interface VsCodeApi { postMessage(message: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const send = (message: GenerationToHostMessage): void => api.postMessage(message);
const root = document.getElementById('root') as HTMLElement;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(view: GenerationView): void {
  root.replaceChildren();
  root.append(element('h1', '', `Continuation by ${view.model}`), element('p', 'hint', view.summary));
  const tokens = element('div', 'generated');
  tokens.setAttribute('role', 'list');
  for (const t of view.tokens) {
    const b = element('button', 'gen-token', t.label);
    b.dataset['generatedIndex'] = String(t.k);
    b.title = `${JSON.stringify(t.text)} · p = ${t.probability}`;
    b.setAttribute('role', 'listitem');
    b.addEventListener('click', () => send({ type: 'explain', k: t.k }));
    tokens.append(b);
  }
  const text = element('p', 'continuation-text', view.text);
  text.id = 'continuation-text';
  const insert = element('button', 'insert', 'Insert');
  insert.id = 'insert';
  insert.addEventListener('click', () => send({ type: 'insert' }));
  root.append(tokens, element('p', 'hint', 'Click a token to see what the model drew on to write it (the panels explain it from the text before it).'), text, insert);
}

function markExplaining(k: number | null): void {
  for (const b of Array.from(root.querySelectorAll<HTMLElement>('.gen-token'))) b.classList.toggle('selected', b.dataset['generatedIndex'] === String(k));
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseGenerationHostMessage(event.data);
  if (!message) return;
  if (message.type === 'generation') render(message.view);
  else markExplaining(message.k);
});
send({ type: 'ready' });
