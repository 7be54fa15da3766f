import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledgementsUnder,
  buildTestApp,
  CDK_CONTEXT,
  scratchDir,
  type TestApp,
  UnacknowledgedAwsSolutionsChecks,
  writeWebBuildFixture,
} from './helpers.ts';

/**
 * cdk-nag 3 (AWS Solutions pack) as a unit test. `bin/app.ts` registers the same pack as a policy
 * validation plugin, so `cdk synth` fails on any finding that is not acknowledged in the stacks.
 */

let scratch: ReturnType<typeof scratchDir>;
let webBuildDir: string;
let retained: TestApp;
let throwaway: TestApp;

beforeAll(() => {
  scratch = scratchDir('nag');
  webBuildDir = writeWebBuildFixture(join(scratch.dir, 'web'));
  retained = buildTestApp({ outdir: join(scratch.dir, 'out-retain'), webBuildDir });
  throwaway = buildTestApp({ outdir: join(scratch.dir, 'out-destroy'), webBuildDir, destroyOnRemoval: true });
});
afterAll(() => scratch.cleanup());

describe.each([
  ['retained (default)', () => retained],
  ['destroyOnRemoval=true', () => throwaway],
])('AWS Solutions checks, %s', (_label, app) => {
  it.each(['DataStack', 'PipelineStack', 'ApiStack', 'WebStack'])('%s has no unacknowledged finding', (stackName) => {
    const stack = app().all.find((s) => s.stackName === stackName)!;
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('still passes after synthesis, when cross-stack references are resolved (as cdk synth sees them)', () => {
    app().app.synth();
    for (const stack of app().all) {
      expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    }
  });

  it('acknowledges only findings that exist, each with a real reason', () => {
    for (const stack of app().all) {
      const raw = new UnacknowledgedAwsSolutionsChecks().validateScope(stack).violations;
      for (const ack of acknowledgementsUnder(stack)) {
        const matching = raw.find(
          (v) => v.ruleName === ack.id && v.violatingResources.some((r) => r.constructPath === ack.path || (r.constructPath ?? '').startsWith(`${ack.path}/`)),
        );
        expect(matching, `acquittement sans constat : ${ack.id} sur ${ack.path}`).toBeDefined();
        expect(ack.reason.length, `raison trop courte pour ${ack.id}`).toBeGreaterThan(40);
      }
    }
  });
});

describe('the nag check can fail', () => {
  it('reports a bucket without TLS enforcement nor access logs', () => {
    const app = new App({ outdir: join(scratch.dir, 'out-bad'), context: CDK_CONTEXT });
    const stack = new Stack(app, 'BadStack');
    new Bucket(stack, 'Unlogged', { encryption: BucketEncryption.S3_MANAGED });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName).sort()).toEqual(['AwsSolutions-S1', 'AwsSolutions-S10']);
  });

  it('reports a finding added to one of our stacks, even next to acknowledged ones', () => {
    const app = buildTestApp({ outdir: join(scratch.dir, 'out-added'), webBuildDir });
    new Bucket(app.stacks.pipeline, 'Unlogged');
    const report = new AwsSolutionsChecks().validateScope(app.stacks.pipeline);
    expect(report.success).toBe(false);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toContain('PipelineStack/Unlogged/Resource');
  });
});
