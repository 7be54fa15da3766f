import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { DataStack } from '/work/main/infra/lib/stacks/data-stack.ts';
import { PipelineStack } from '/work/main/infra/lib/stacks/pipeline-stack.ts';
const ctx = JSON.parse(readFileSync('/work/main/node_modules/aws-cdk-lib/recommended-feature-flags.json','utf8'));
const app = new App({ context: ctx });
const f = '/work/main/tests/infra/fixtures/handler.ts';
const D = process.env.D === '1';
const data = new DataStack(app, 'DataStack', { destroyOnRemoval: D });
const pipe = new PipelineStack(app, 'PipelineStack', { destroyOnRemoval: D, lakeBucketExportName: data.lakeBucketExportName, entries: { ingestExtract: f, computeIndicateurs: f } });
pipe.addStackDependency(data);
const show = (label: string) => { for (const s of [data, pipe]) {
  const r = new AwsSolutionsChecks().validateScope(s);
  console.log(label, s.stackName, r.success);
  for (const v of r.violations) console.log('  ', v.ruleName, v.violatingResources.map(x => x.constructPath).join(','));
}};
show('BEFORE');
const asm = app.synth();
show('AFTER');
// Raw findings, ignoring acknowledgements (debug only)
const proto = Object.getPrototypeOf(Object.getPrototypeOf(new AwsSolutionsChecks())) as any;
const orig = proto.isAcknowledged;
proto.isAcknowledged = () => false;
for (const s of [data, pipe]) {
  const r = new AwsSolutionsChecks().validateScope(s);
  console.log('RAW', s.stackName);
  for (const v of r.violations) console.log('  ', v.ruleName, v.violatingResources.map(x => x.constructPath).join(','));
}
proto.isAcknowledged = orig;
