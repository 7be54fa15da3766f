import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_DESTROY_ON_REMOVAL, contextFlag } from '../../infra/lib/config.ts';
import { prepareDuckdbLayerDir } from '../../infra/lib/constructs/duckdb-layer.ts';
import { REPO_ROOT } from '../../infra/lib/paths.ts';
import { SPA_ROUTING_FUNCTION, WebStack } from '../../infra/lib/stacks/web-stack.ts';
import { buildTestApp, scratchDir, type TestApp, writeWebBuildFixture } from './helpers.ts';

const LAKE_BUCKET_IMPORT = { 'Fn::ImportValue': 'DataStack-LakeBucketName' };

let scratch: ReturnType<typeof scratchDir>;
let built: TestApp;
let data: Template;
let pipeline: Template;
let api: Template;
let web: Template;

beforeAll(() => {
  scratch = scratchDir('stacks');
  built = buildTestApp({ outdir: join(scratch.dir, 'cdk.out'), webBuildDir: writeWebBuildFixture(join(scratch.dir, 'web')) });
  data = Template.fromStack(built.stacks.data);
  pipeline = Template.fromStack(built.stacks.pipeline);
  api = Template.fromStack(built.stacks.api);
  web = Template.fromStack(built.stacks.web);
});
afterAll(() => scratch.cleanup());

/** Resources of a type, as [logicalId, resource] pairs. */
function resourcesOf(template: Template, type: string): Array<[string, { Properties: Record<string, unknown> }]> {
  return Object.entries(template.findResources(type)) as Array<[string, { Properties: Record<string, unknown> }]>;
}

describe('DataStack', () => {
  it('keeps the lake private, encrypted, TLS-only, versioned, logged and retained', () => {
    data.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'lake-bucket/' }),
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    // Both buckets (lake and access logs) refuse plain HTTP.
    const policies = resourcesOf(data, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(policy.Properties.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      });
    }
    data.resourceCountIs('AWS::S3::Bucket', 2);
    expect(Object.values(data.findResources('AWS::S3::Bucket')).every((b) => b.DeletionPolicy === 'Retain')).toBe(true);
  });

  it('exports the lake bucket name for the other stacks', () => {
    data.hasOutput('LakeBucketName', { Export: { Name: 'DataStack-LakeBucketName' } });
  });

  it('reads destroyOnRemoval from cdk.json (boolean) or -c (string), off by default', () => {
    const flag = (context: Record<string, unknown>) => contextFlag(new App({ context }).node, CONTEXT_DESTROY_ON_REMOVAL);
    expect(flag({})).toBe(false);
    expect(flag({ destroyOnRemoval: false })).toBe(false);
    expect(flag({ destroyOnRemoval: 'false' })).toBe(false);
    expect(flag({ destroyOnRemoval: true })).toBe(true);
    expect(flag({ destroyOnRemoval: 'true' })).toBe(true);
  });

  it('deletes and empties the buckets only with destroyOnRemoval=true', () => {
    const throwaway = buildTestApp({
      outdir: join(scratch.dir, 'cdk.out-destroy'),
      webBuildDir: join(scratch.dir, 'web'),
      destroyOnRemoval: true,
    });
    const template = Template.fromStack(throwaway.stacks.data);
    expect(Object.values(template.findResources('AWS::S3::Bucket')).every((b) => b.DeletionPolicy === 'Delete')).toBe(true);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });
});

describe('PipelineStack', () => {
  it('runs both handlers on Node 24 x86_64 with the DuckDB layer and the S3 environment', () => {
    const functions = resourcesOf(pipeline, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Runtime === 'nodejs24.x');
    expect(functions).toHaveLength(2);
    const [layerId] = Object.keys(pipeline.findResources('AWS::Lambda::LayerVersion'));
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['x86_64'],
        Handler: 'index.handler',
        MemorySize: 2048,
        Timeout: 300,
        EphemeralStorage: { Size: 2048 },
        Layers: [{ Ref: layerId }],
        Environment: {
          Variables: {
            STORAGE_MODE: 's3',
            LAKE_BUCKET: LAKE_BUCKET_IMPORT,
            CACHE_DIR: '/tmp/cache',
            DUCKDB_THREADS: '2',
            DUCKDB_MEMORY_LIMIT: '1200MB',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    pipeline.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleArchitectures: ['x86_64'],
      CompatibleRuntimes: ['nodejs24.x'],
    });
  });

  it('triggers IngestExtract on raw/depot/ and ComputeIndicateurs on lake/**/manifest.json', () => {
    const [ingestId] = Object.keys(pipeline.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Ingestion') } }));
    const [computeId] = Object.keys(pipeline.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Calcul') } }));
    expect(ingestId).toBeDefined();
    expect(computeId).toBeDefined();
    pipeline.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: LAKE_BUCKET_IMPORT,
      // Unmanaged: the custom resource only touches the notifications it created.
      Managed: false,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: Match.arrayWith([
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'raw/depot/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [ingestId, 'Arn'] },
          },
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: {
              Key: {
                FilterRules: Match.arrayWith([
                  { Name: 'suffix', Value: 'manifest.json' },
                  { Name: 'prefix', Value: 'lake/' },
                ]),
              },
            },
            LambdaFunctionArn: { 'Fn::GetAtt': [computeId, 'Arn'] },
          },
        ]),
      },
    });
  });

  it('sends events that failed twice to an encrypted, TLS-only queue', () => {
    const [queueId] = Object.keys(pipeline.findResources('AWS::SQS::Queue'));
    pipeline.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    pipeline.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    pipeline.resourcePropertiesCountIs(
      'AWS::Lambda::EventInvokeConfig',
      {
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      },
      2,
    );
  });

  it('grants S3 access by prefix only, with no wildcard action; only the compute deletes, and only under marts/', () => {
    const statements = resourcesOf(pipeline, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('IngestExtract') || id.startsWith('ComputeIndicateurs'))
      .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(new Set(actions.filter((a) => a.startsWith('s3:')))).toEqual(
      new Set(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListBucket', 's3:DeleteObject']),
    );
    const suppressions = resourcesOf(pipeline, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement.filter((st) =>
        (Array.isArray(st.Action) ? st.Action : [st.Action]).includes('s3:DeleteObject'),
      ).map((st) => [id.replace(/[0-9A-F]{8}$/, ''), st.Resource] as const),
    );
    const objectArn = (pattern: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', LAKE_BUCKET_IMPORT, `/${pattern}`]] });
    // (Statements, actions and resources come out sorted: @aws-cdk/aws-iam:minimizePolicies.)
    pipeline.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'LireObjetsLac', Effect: 'Allow', Action: 's3:GetObject', Resource: [objectArn('lake/*/manifest.json'), objectArn('raw/*')] },
          { Sid: 'EcrireObjetsLac', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Resource: [objectArn('lake/*'), objectArn('raw/*')] },
        ]),
      },
    });
    pipeline.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'LireObjetsLac', Effect: 'Allow', Action: 's3:GetObject', Resource: [objectArn('lake/*'), objectArn('marts/*')] },
          { Sid: 'EcrireObjetsLac', Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Resource: objectArn('marts/*') },
          { Sid: 'SupprimerObjetsLac', Effect: 'Allow', Action: 's3:DeleteObject', Resource: objectArn('marts/*') },
        ]),
      },
    });
    // one statement deletes, the compute's, on marts/* only
    expect(suppressions.map(([id, r]) => [id.startsWith('ComputeIndicateurs'), r])).toEqual([[true, objectArn('marts/*')]]);
    // Our functions' roles carry no AWS managed policy (logs go to their own log group only).
    for (const [id, role] of resourcesOf(pipeline, 'AWS::IAM::Role')) {
      if (id.startsWith('IngestExtract') || id.startsWith('ComputeIndicateurs')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('ApiStack', () => {
  it('serves GET /api/{proxy+} from the Api Lambda, read-only, throttled and logged', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
      Timeout: 10,
      MemorySize: 1024,
      Layers: [{ Ref: Match.anyValue() }],
      Environment: { Variables: Match.objectLike({ STORAGE_MODE: 's3', LAKE_BUCKET: LAKE_BUCKET_IMPORT }) },
    });
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /api/{proxy+}' });
    api.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const actions = resourcesOf(api, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement.flatMap((s) =>
        Array.isArray(s.Action) ? s.Action : [s.Action],
      ),
    );
    expect(new Set(actions.filter((a) => a.startsWith('s3:')))).toEqual(new Set(['s3:GetObject', 's3:ListBucket']));
  });
});

describe('WebStack', () => {
  it('serves the private site bucket through Origin Access Control and /api/* from the HTTP API', () => {
    web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    web.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Enabled: true,
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          ResponseHeadersPolicyId: ResponseHeadersPolicy.SECURITY_HEADERS.responseHeadersPolicyId,
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/api/*',
            ViewerProtocolPolicy: 'redirect-to-https',
            CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
            OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
          }),
        ],
        Origins: Match.arrayWith([
          Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] }, S3OriginConfig: Match.anyValue() }),
          Match.objectLike({
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
          }),
        ]),
      }),
    });
    // No error-response rewriting: it would turn the API's own 403/404 into the HTML page.
    const [[, distribution]] = resourcesOf(web, 'AWS::CloudFront::Distribution') as [[string, { Properties: { DistributionConfig: Record<string, unknown> } }]];
    expect(distribution.Properties.DistributionConfig.CustomErrorResponses).toBeUndefined();
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site-bucket/' }),
    });
    web.resourceCountIs('Custom::CDKBucketDeployment', 2);
  });

  it('serves the prerendered home page, routes SPA deep links to /200.html and leaves files alone', () => {
    const handler = new Function(`${SPA_ROUTING_FUNCTION}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const route = (uri: string) => handler({ request: { uri } }).uri;
    expect(route('/')).toBe('/index.html');
    expect(route('/territoires/departement/2A')).toBe('/200.html');
    expect(route('/indicateurs/taux-pauvrete/')).toBe('/200.html');
    expect(route('/v1.2/page')).toBe('/200.html');
    expect(route('/_app/immutable/start.abc123.js')).toBe('/_app/immutable/start.abc123.js');
    expect(route('/favicon.png')).toBe('/favicon.png');
    web.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: SPA_ROUTING_FUNCTION,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
  });

  it('refuses to synthesise without a built site, and says how to build it', () => {
    const app = new App({ outdir: join(scratch.dir, 'cdk.out-no-web') });
    expect(
      () => new WebStack(app, 'WebStack', { webBuildDir: join(scratch.dir, 'absent'), apiDomainName: 'example.com', destroyOnRemoval: false }),
    ).toThrow(/Lancez d'abord npm run build:web/);
  });
});

describe('DuckDB layer', () => {
  it('holds @duckdb/node-api, its linux-x64 binding and their runtime dependencies, copied offline', () => {
    const { dir, version } = prepareDuckdbLayerDir(join(REPO_ROOT, 'node_modules'));
    const functionsPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'functions', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(version).toBe(functionsPackage.dependencies['@duckdb/node-api']);
    const modules = join(dir, 'nodejs', 'node_modules');
    expect(readdirSync(join(modules, '@duckdb')).sort()).toEqual(['node-api', 'node-bindings', 'node-bindings-linux-x64']);
    expect(existsSync(join(modules, '@duckdb', 'node-bindings-linux-x64', 'libduckdb.so'))).toBe(true);
    expect(existsSync(join(modules, '@duckdb', 'node-bindings-linux-x64', 'duckdb.node'))).toBe(true);
    expect(existsSync(join(modules, 'detect-libc', 'package.json'))).toBe(true);
  });
});
