// "Attention Lens: Add Model…": the quick-pick entries for the checkpoints the server listed
// (attentionLens/listModels with the workspace folders). The server reads every field; this only
// words them and orders them: workspace first, then the Hugging Face cache, then the rest.
import type { ModelEntry, ModelSource } from '../protocol';

export interface ModelPick {
  label: string;
  description: string;
  detail: string;
  path: string;
  /** Already in attentionLens.models (or the default model). */
  added: boolean;
}

const sourceWords: Record<ModelSource, string> = {
  workspace: 'workspace',
  huggingFaceCache: 'Hugging Face cache',
  settings: 'settings',
  bundled: 'bundled demo',
};
const order: ModelSource[] = ['workspace', 'huggingFaceCache', 'settings', 'bundled'];

/** Binary-unit size ("1.2 GiB"), as memory and files are counted; '' when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** Parameter count as "260K", "1.2B". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) {
    if (n >= limit) return `${(n / limit).toFixed(n >= 10 * limit ? 0 : 1)}${suffix}`;
  }
  return String(n);
}

/** The entries to offer, `configured` (expanded paths) marked as added; models that cannot be loaded say why. */
export function modelPicks(models: readonly ModelEntry[], configured: readonly string[]): ModelPick[] {
  const have = new Set(configured.map((p) => p.replace(/[\\/]+$/, '')));
  return [...models]
    .sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source) || a.id.localeCompare(b.id))
    .map((m) => {
      const facts = [m.architecture ?? m.modelType ?? 'unknown architecture', formatCount(m.parameterCount) && `${formatCount(m.parameterCount)} parameters`,
        formatBytes(m.sizeBytes), sourceWords[m.source] ?? m.source].filter((f) => f);
      const added = have.has(m.path.replace(/[\\/]+$/, ''));
      return {
        label: m.id,
        description: facts.join(' · ') + (added ? ' (added)' : ''),
        detail: m.problem ? `${m.path} — ${m.problem}` : m.path,
        path: m.path,
        added,
      };
    });
}
