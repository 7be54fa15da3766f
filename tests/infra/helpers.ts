import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createSanteTerritoires, type SanteTerritoiresStacks } from '../../infra/lib/app.ts';
import { type HandlerEntries, REPO_ROOT } from '../../infra/lib/paths.ts';

/** The context of the real app (feature flags), so test templates match `cdk synth`. */
export const CDK_CONTEXT: Record<string, unknown> = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/** A tiny handler bundled with the real options: fast, and independent of functions/. */
export const FIXTURE_HANDLER = join(REPO_ROOT, 'tests/infra/fixtures/handler.ts');
export const FIXTURE_HANDLERS: HandlerEntries = {
  ingestExtract: FIXTURE_HANDLER,
  computeIndicateurs: FIXTURE_HANDLER,
  api: FIXTURE_HANDLER,
};

/** A scratch folder for one test file; remove it with `cleanup()` in `afterAll`. */
export function scratchDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sante-territoires-infra-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The smallest site WebStack accepts: a home page, the SPA fallback and one hashed asset. */
export function writeWebBuildFixture(dir: string): string {
  mkdirSync(join(dir, '_app', 'immutable'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Santé des territoires</title>\n');
  writeFileSync(join(dir, '200.html'), '<!doctype html><title>Santé des territoires</title><div id="app"></div>\n');
  writeFileSync(join(dir, '_app', 'immutable', 'start.abc123.js'), 'export {};\n');
  return dir;
}

export interface TestApp {
  readonly app: App;
  readonly stacks: SanteTerritoiresStacks;
  readonly all: readonly Stack[];
}

/**
 * The four stacks in an App *without* the cdk-nag plugin (with it, `Template.fromStack` throws on
 * any finding); the findings are checked with `validateScope` instead. Asset staging is disabled:
 * the 70 MB DuckDB layer is referenced in place instead of being copied for every test App.
 */
export function buildTestApp(options: { outdir: string; webBuildDir: string; destroyOnRemoval?: boolean }): TestApp {
  const app = new App({
    outdir: options.outdir,
    context: { ...CDK_CONTEXT, 'aws:cdk:disable-asset-staging': true },
  });
  const stacks = createSanteTerritoires(app, {
    webBuildDir: options.webBuildDir,
    handlers: FIXTURE_HANDLERS,
    destroyOnRemoval: options.destroyOnRemoval ?? false,
  });
  return { app, stacks, all: [stacks.data, stacks.pipeline, stacks.api, stacks.web] };
}

/** cdk-nag's AWS Solutions pack, blind to acknowledgements: what the stacks would raise without them. */
export class UnacknowledgedAwsSolutionsChecks extends AwsSolutionsChecks {}
Object.defineProperty(UnacknowledgedAwsSolutionsChecks.prototype, 'isAcknowledged', { value: () => false });

export interface RecordedAcknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(x).acknowledge(...)` recorded under `scope`. */
export function acknowledgementsUnder(scope: IConstruct): RecordedAcknowledgement[] {
  const out: RecordedAcknowledgement[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}
