import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// One vitest run, several projects (see docs/adr/0005-tests.md). Each project is a layer of the
// test pyramid; `npm test` runs them all and ends with a plain "N passed, N failed, N skipped" line.
/** `.sql` files are imported as text, as in Node (functions/src/register.ts) and esbuild (loader text). */
const sqlText: Plugin = {
  name: 'sql-text',
  transform(code, id) {
    if (id.endsWith('.sql')) return { code: `export default ${JSON.stringify(code)};`, map: null };
    return null;
  },
};

export default defineConfig({
  plugins: [sqlText],
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    env: { TZ: 'Europe/Paris' },
    projects: [
      { extends: true, test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/lac-partage.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'handlers',
          environment: 'node',
          include: ['tests/handlers/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          environment: 'node',
          include: ['tests/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { extends: true, test: { name: 'charts', environment: 'node', include: ['tests/charts/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
