import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Preloaded with `node --import` by the CLI: lets Node import `.sql` files as text
 * (`import sql from './x.sql'`), as esbuild (Lambda bundles, loader `text`) and vitest do.
 */
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:') && url.endsWith('.sql')) {
      const text = readFileSync(fileURLToPath(url), 'utf-8');
      return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});
