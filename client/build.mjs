// Builds the two bundles of the extension with esbuild:
//  - dist/client/extension.js: the extension host side (CommonJS, node; `vscode` is provided by the host),
//  - dist/client/webview.js + webview.css: the code every panel runs (browser IIFE; D3 is bundled
//    here and only here, so no panel ever loads anything from the network),
//  - server/Report/Assets/report.js + report.css: the same views for the standalone HTML report. This
//    output is committed (the server embeds it, so `attention-lens demo` needs no node); the client
//    tests rebuild it with --report-check and fail when the committed copy differs from the sources.
// With --tests it bundles client/test/*.test.ts into out/test for `node --test`, with --e2e the
// end-to-end script into out/e2e.
import { build } from 'esbuild';
import { readdirSync, existsSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = new Set(process.argv.slice(2));
const production = !args.has('--dev');

if (args.has('--check-server')) {
  // `vsce package` runs this: a .vsix without the server cannot analyse anything.
  if (!existsSync(join(root, 'dist', 'server', 'attention-lens.dll'))) {
    console.error('dist/server/attention-lens.dll is missing: run `npm run build:server` (or `npm run package`).');
    process.exit(1);
  }
  if (!existsSync(join(root, 'dist', 'client', 'extension.js'))) {
    console.error('dist/client is missing: run `npm run build`.');
    process.exit(1);
  }
  process.exit(0);
}

const reportAssets = join(root, 'server', 'Report', 'Assets');
/** The report bundle, built in memory: the server inlines both files into one HTML page. */
async function buildReport() {
  const result = await build({ ...common, sourcemap: false, minify: true, write: false, entryPoints: [join(here, 'src', 'report', 'main.ts')],
    outdir: reportAssets, entryNames: 'report', platform: 'browser', format: 'iife', target: 'es2022', charset: 'utf8' });
  return result.outputFiles.map((f) => ({ path: f.path, text: f.text.endsWith('\n') ? f.text : `${f.text}\n` }));
}

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

if (args.has('--e2e')) {
  const e2eDir = join(root, 'tests', 'e2e');
  await build({ ...common, minify: false, sourcemap: 'inline', entryPoints: [join(e2eDir, 'e2e.ts'), join(e2eDir, 'perturbModel.ts'), join(e2eDir, 'reportPage.ts')],
    outdir: join(root, 'out', 'e2e'), platform: 'node', format: 'cjs', target: 'node20', external: ['playwright-core'] });
  // Evaluated in a report page by reportPage.ts to time the Layer Graph on long inputs.
  await build({ ...common, minify: false, sourcemap: false, entryPoints: [join(e2eDir, 'layerGraphMount.ts')],
    outdir: join(root, 'out', 'e2e'), platform: 'browser', format: 'iife', target: 'es2022' });
  process.exit(0);
}

if (args.has('--tests')) {
  const testDir = join(here, 'test');
  const entries = readdirSync(testDir).filter((f) => f.endsWith('.test.ts')).map((f) => join(testDir, f));
  await build({ ...common, minify: false, sourcemap: 'inline', entryPoints: entries, outdir: join(root, 'out', 'test'),
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
  process.exit(0);
}

if (args.has('--report-check')) {
  // The committed bundle must be what the sources build to; otherwise reports would show old views.
  const stale = (await buildReport()).filter((f) => !existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.text);
  if (stale.length > 0) {
    console.error(`${stale.map((f) => relative(root, f.path)).join(', ')} differ from what client/src/report builds to: run \`node client/build.mjs\` (or \`npm run build\`) and commit the result.`);
    process.exit(1);
  }
  process.exit(0);
}

for (const f of await buildReport()) writeFileSync(f.path, f.text);

await Promise.all([
  build({ ...common, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(root, 'dist', 'client', 'extension.js'),
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  build({ ...common, entryPoints: [join(here, 'src', 'webview', 'main.ts')], outfile: join(root, 'dist', 'client', 'webview.js'),
    platform: 'browser', format: 'iife', target: 'es2022' }),
  // The Continue and Explain panel (and its generation.css).
  build({ ...common, entryPoints: [join(here, 'src', 'webview', 'generation.ts')], outfile: join(root, 'dist', 'client', 'generation.js'),
    platform: 'browser', format: 'iife', target: 'es2022' }),
]);
mkdirSync(join(root, 'dist', 'client'), { recursive: true });
copyFileSync(join(here, 'src', 'webview', 'webview.css'), join(root, 'dist', 'client', 'webview.css'));
