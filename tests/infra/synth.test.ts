import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../infra/lib/constructs/duckdb-function.ts';
import { REPO_ROOT } from '../../infra/lib/paths.ts';
import { scratchDir, writeWebBuildFixture } from './helpers.ts';

/**
 * One real `cdk synth` through the CLI, exactly as `npm run synth` runs it (cdk.json app
 * `node infra/bin/app.ts`, the cdk-nag plugin registered on the App, the real handlers bundled by
 * the local esbuild) except for the site, given as `-c webBuildDir=` so that this test does not
 * depend on the web build. The registry is made unreachable: synthesis must be fully offline.
 */

const BIN = join(REPO_ROOT, 'node_modules', '.bin');

interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

let scratch: ReturnType<typeof scratchDir>;
let outdir: string;
let synth: ReturnType<typeof spawnSync>;

function template(stack: string): { Resources: Record<string, TemplateResource> } {
  return JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as { Resources: Record<string, TemplateResource> };
}

/** Asset folder of each nodejs24.x function of a stack, by logical id prefix. */
function functionAssets(stack: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, resource] of Object.entries(template(stack).Resources)) {
    if (resource.Type === 'AWS::Lambda::Function' && resource.Properties.Runtime === 'nodejs24.x') {
      out.set(id, join(outdir, String(resource.Metadata?.['aws:asset:path'])));
    }
  }
  return out;
}

function layerModules(stack: string): string {
  const [layer] = Object.values(template(stack).Resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion');
  return join(outdir, String(layer?.Metadata?.['aws:asset:path']), 'nodejs', 'node_modules');
}

beforeAll(() => {
  scratch = scratchDir('synth');
  outdir = join(scratch.dir, 'cdk.out');
  const webBuildDir = writeWebBuildFixture(join(scratch.dir, 'web'));
  synth = spawnSync(join(BIN, 'cdk'), ['synth', '--quiet', '-o', outdir, '-c', `webBuildDir=${webBuildDir}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
      // Any attempt to reach the npm registry fails at once.
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_offline: 'true',
    },
    timeout: 110_000,
  });
});
afterAll(() => scratch.cleanup());

describe('cdk synth (CLI, nag plugin on, offline)', () => {
  it('exits 0 with the four stacks and no validation failure', () => {
    expect(synth.error).toBeUndefined();
    expect(synth.status, `${String(synth.stdout)}\n${String(synth.stderr)}`).toBe(0);
    for (const stack of ['DataStack', 'PipelineStack', 'ApiStack', 'WebStack']) {
      expect(existsSync(join(outdir, `${stack}.template.json`))).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ conclusion: string }>;
    };
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
  });

  it('bundles each handler as ESM with the require banner, DuckDB left to the layer and the AWS SDK inside', () => {
    const assets = [...functionAssets('PipelineStack').values(), ...functionAssets('ApiStack').values()];
    expect(assets).toHaveLength(3);
    for (const asset of assets) {
      const code = readFileSync(join(asset, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toMatch(/from\s*"@duckdb\/node-api"/);
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
    }
  });

  it('ships libduckdb in the layer', () => {
    for (const stack of ['PipelineStack', 'ApiStack']) {
      expect(existsSync(join(layerModules(stack), '@duckdb', 'node-bindings-linux-x64', 'libduckdb.so'))).toBe(true);
    }
  });

  it('inlines the COG 2026 referential into the ingest and compute bundles, and keeps it out of the API', () => {
    const contenu = (stack: string) => [...functionAssets(stack)].map(([id, asset]) => [id, readFileSync(join(asset, 'index.mjs'), 'utf8')] as const);
    const pipeline = contenu('PipelineStack');
    expect(pipeline).toHaveLength(2);
    // a commune name that only the etalab JSON carries (esbuild escapes the é of Clémenciat)
    for (const [id, code] of pipeline) expect(code.includes('Abergement-Cl'), id).toBe(true);
    for (const [id, code] of contenu('ApiStack')) expect(code.includes('Abergement-Cl'), id).toBe(false);
  });

  it('loads every bundle with the layer, as Lambda would (ESM, native DuckDB binding, inlined JSON and SQL)', () => {
    const modules = layerModules('ApiStack');
    const assets = [...functionAssets('PipelineStack'), ...functionAssets('ApiStack')];
    for (const [id, asset] of assets) {
      // /var/task with /opt/nodejs/node_modules next to it (ESM resolution looks up node_modules).
      const task = join(scratch.dir, 'task', id);
      mkdirSync(task, { recursive: true });
      copyFileSync(join(asset, 'index.mjs'), join(task, 'index.mjs'));
      copyFileSync(join(asset, 'index.mjs.map'), join(task, 'index.mjs.map'));
      if (!existsSync(join(task, 'node_modules'))) symlinkSync(modules, join(task, 'node_modules'), 'dir');
      const probe = spawnSync(
        join(BIN, 'node'),
        [
          '--enable-source-maps',
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(task, 'index.mjs'))});
           const { DuckDBInstance } = await import('@duckdb/node-api');
           const db = await DuckDBInstance.create(':memory:');
           const r = await (await db.connect()).runAndReadAll('SELECT 40 + 2 AS n');
           console.log(typeof m.handler, r.getRowObjectsJson()[0].n);`,
        ],
        {
          cwd: task,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            TZ: 'UTC',
            STORAGE_MODE: 's3',
            LAKE_BUCKET: 'lac-de-test',
            AWS_REGION: 'eu-west-3',
            CACHE_DIR: join(task, 'cache'),
            DUCKDB_THREADS: '2',
          },
          timeout: 30_000,
        },
      );
      expect(probe.status, `${id}: ${probe.stderr}`).toBe(0);
      expect(probe.stdout.trim()).toBe('function 42');
    }
  });
});
