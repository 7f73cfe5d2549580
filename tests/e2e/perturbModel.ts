// Makes the second model of the comparison: a copy of a checkpoint folder whose first layer's query
// projection is scaled, so its attention (and its traced edges) differ while the tokenizer is the
// same. Written to a temporary folder; the reference data itself is only read.
// Usage: node perturbModel.js <model folder> <output folder>
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [source, output] = process.argv.slice(2);
if (!source || !output) throw new Error('usage: perturbModel <model folder> <output folder>');
mkdirSync(output, { recursive: true });
for (const f of readdirSync(source)) {
  if (f !== 'model.safetensors' && !f.startsWith('.') && f !== 'reference') copyFileSync(join(source, f), join(output, f));
}

// safetensors: u64 little-endian header size, a JSON header {name: {dtype, shape, data_offsets}}, the data.
const bytes = readFileSync(join(source, 'model.safetensors'));
const headerSize = Number(bytes.readBigUInt64LE(0));
const header = JSON.parse(bytes.subarray(8, 8 + headerSize).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
const scaled = Object.keys(header).filter((k) => /layers\.[01]\.self_attn\.q_proj\.weight$/.test(k));
if (scaled.length === 0) throw new Error(`no q_proj weights in ${source}`);
const base = 8 + headerSize;
for (const name of scaled) {
  const { dtype, data_offsets: [start, end] } = header[name] as { dtype: string; data_offsets: [number, number] };
  if (dtype !== 'F32') throw new Error(`${name} is ${dtype}, expected F32`);
  // Sharper queries make attention peakier: a different traced graph from the same tokens.
  for (let o = base + start; o < base + end; o += 4) bytes.writeFloatLE(bytes.readFloatLE(o) * 4, o);
}
writeFileSync(join(output, 'model.safetensors'), bytes);
console.log(`wrote ${output} (scaled ${scaled.join(', ')})`);
