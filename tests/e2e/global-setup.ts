import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the web app (`vite build` in web/) before the e2e tests, so that `web/build/` is the
 * current code. Runs with the project's Node 24 (node_modules/.bin/node): SvelteKit 3 cannot build
 * on Node 20. Any build failure stops the run with the build's own output.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WEB = path.join(REPO, 'web');

export default function setup(): void {
  const nodeProjet = path.join(REPO, 'node_modules', '.bin', 'node');
  const node = existsSync(nodeProjet) ? nodeProjet : process.execPath;
  const vite = path.join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const debut = Date.now();
  const r = spawnSync(node, [vite, 'build'], {
    cwd: WEB,
    encoding: 'utf-8',
    env: { ...process.env, PATH: `${path.join(REPO, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `La construction de l'application web a échoué (${node} ${vite} build, dans ${WEB}, code ${r.status ?? r.error?.message}).\n` +
        `${r.stdout ?? ''}\n${r.stderr ?? ''}`,
    );
  }
  for (const fichier of ['index.html', '200.html']) {
    if (!existsSync(path.join(WEB, 'build', fichier))) {
      throw new Error(`La construction n'a pas produit web/build/${fichier}.\n${r.stdout}`);
    }
  }
  process.stdout.write(`[e2e] web/build construit en ${((Date.now() - debut) / 1000).toFixed(1)} s\n`);
}
