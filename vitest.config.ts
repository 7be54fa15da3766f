import { defineConfig } from 'vitest/config';

// One vitest run, several projects (see docs/adr/0005-tests.md). Each project is a layer of the
// test pyramid; `npm test` runs them all and ends with a plain "N passed, N failed, N skipped" line.
export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    env: { TZ: 'Europe/Paris' },
    projects: [
      { test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'handlers',
          environment: 'node',
          include: ['tests/handlers/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          environment: 'node',
          include: ['tests/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: 'charts', environment: 'node', include: ['tests/charts/**/*.test.ts'] } },
      {
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
