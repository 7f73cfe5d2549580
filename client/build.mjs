// Builds the two bundles of the extension with esbuild:
//  - dist/client/extension.js: the extension host side (CommonJS, node; `vscode` is provided by the host),
//  - dist/client/webview.js + webview.css: the code every panel runs (browser IIFE; D3 is bundled
//    here and only here, so no panel ever loads anything from the network).
// With --tests it bundles client/test/*.test.ts into out/test for `node --test`, with --e2e the
// end-to-end script into out/e2e.
import { build } from 'esbuild';
import { readdirSync, existsSync, copyFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
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

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

if (args.has('--e2e')) {
  const e2eDir = join(root, 'tests', 'e2e');
  await build({ ...common, minify: false, sourcemap: 'inline', entryPoints: [join(e2eDir, 'e2e.ts'), join(e2eDir, 'perturbModel.ts')],
    outdir: join(root, 'out', 'e2e'), platform: 'node', format: 'cjs', target: 'node20', external: ['playwright-core'] });
  process.exit(0);
}

if (args.has('--tests')) {
  const testDir = join(here, 'test');
  const entries = readdirSync(testDir).filter((f) => f.endsWith('.test.ts')).map((f) => join(testDir, f));
  await build({ ...common, minify: false, sourcemap: 'inline', entryPoints: entries, outdir: join(root, 'out', 'test'),
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
  process.exit(0);
}

await Promise.all([
  build({ ...common, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(root, 'dist', 'client', 'extension.js'),
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  build({ ...common, entryPoints: [join(here, 'src', 'webview', 'main.ts')], outfile: join(root, 'dist', 'client', 'webview.js'),
    platform: 'browser', format: 'iife', target: 'es2022' }),
]);
mkdirSync(join(root, 'dist', 'client'), { recursive: true });
copyFileSync(join(here, 'src', 'webview', 'webview.css'), join(root, 'dist', 'client', 'webview.css'));
