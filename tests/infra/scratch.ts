import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { createSanteTerritoires } from '/work/main/infra/lib/app.ts';
const ctx = JSON.parse(readFileSync('/work/main/node_modules/aws-cdk-lib/recommended-feature-flags.json','utf8'));
const app = new App({ context: ctx });
const f = '/work/main/tests/infra/fixtures/handler.ts';
const D = process.env.D === '1';
const stacks = createSanteTerritoires(app, { webBuildDir: '/tmp/webfix', destroyOnRemoval: D, handlers: { ingestExtract: f, computeIndicateurs: f, api: f } });
const all = Object.values(stacks) as Stack[];
const show = (label: string) => { for (const s of all) {
  const r = new AwsSolutionsChecks().validateScope(s);
  console.log(label, s.stackName, r.success);
  for (const v of r.violations) console.log('  ', v.ruleName, v.violatingResources.map(x => x.constructPath).join(','), v.description.slice(0,80));
}};
show('BEFORE');
app.synth();
show('AFTER');
const proto = Object.getPrototypeOf(Object.getPrototypeOf(new AwsSolutionsChecks())) as any;
const orig = proto.isAcknowledged;
proto.isAcknowledged = () => false;
show('RAW');
proto.isAcknowledged = orig;
const t = app.synth().getStackByName('WebStack').template;
for (const [k, v] of Object.entries<any>(t.Resources)) {
  if (k.startsWith('CustomCDKBucketDeployment')) console.log(k, JSON.stringify(v.Properties, null, 0).slice(0, 3000));
}
