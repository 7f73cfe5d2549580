// Where the repository is, for tests that read its files (package.json, sources, the server protocol).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(): string {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'client', 'src', 'protocol.ts'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`run the client tests from inside the repository (cwd ${process.cwd()})`);
    dir = up;
  }
  return dir;
}
