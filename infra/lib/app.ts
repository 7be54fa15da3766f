import type { Environment } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { HandlerEntries } from './paths.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { PipelineStack } from './stacks/pipeline-stack.ts';
import { WebStack } from './stacks/web-stack.ts';

export interface SanteTerritoiresProps {
  readonly webBuildDir: string;
  readonly handlers: HandlerEntries;
  readonly destroyOnRemoval: boolean;
  readonly env?: Environment;
}

export interface SanteTerritoiresStacks {
  readonly data: DataStack;
  readonly pipeline: PipelineStack;
  readonly api: ApiStack;
  readonly web: WebStack;
}

/** The four stacks and their wiring; used by bin/app.ts and by the tests. */
export function createSanteTerritoires(scope: Construct, props: SanteTerritoiresProps): SanteTerritoiresStacks {
  const common = { env: props.env, destroyOnRemoval: props.destroyOnRemoval };
  const data = new DataStack(scope, 'DataStack', {
    ...common,
    description: 'Santé des territoires : lac de données (S3)',
  });
  const pipeline = new PipelineStack(scope, 'PipelineStack', {
    ...common,
    description: 'Santé des territoires : ingestion et calcul des indicateurs (Lambda + DuckDB)',
    lakeBucketExportName: data.lakeBucketExportName,
    entries: props.handlers,
  });
  const api = new ApiStack(scope, 'ApiStack', {
    ...common,
    description: 'Santé des territoires : API HTTP en lecture seule',
    lakeBucketExportName: data.lakeBucketExportName,
    entry: props.handlers.api,
  });
  const web = new WebStack(scope, 'WebStack', {
    ...common,
    description: 'Santé des territoires : site (CloudFront + S3) et routage /api/*',
    webBuildDir: props.webBuildDir,
    apiDomainName: api.apiDomainName,
  });
  // The lake bucket reaches the other stacks by export name, not by a CDK reference: declare the order.
  pipeline.addStackDependency(data);
  api.addStackDependency(data);
  return { data, pipeline, api, web };
}
