import { Duration, type RemovalPolicy, Size } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type IDestination, type ILayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEPS_LOCK_FILE, REPO_ROOT } from '../paths.ts';

/**
 * One of our Lambda handlers: Node 24 on x86_64, bundled locally by esbuild as ESM with
 * `@duckdb/*` left to the DuckDB layer, its own log group, and its own role that may write only
 * to that log group (no AWS managed policy). S3 grants are added by the stack (see lake-access.ts).
 */

/** esbuild's ESM output has no `require`; CommonJS code bundled in it (the AWS SDK's deps, DuckDB) needs one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface DuckdbFunctionProps {
  /** Absolute path of the handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly layer: ILayerVersion;
  /** Name of the lake bucket (`LAKE_BUCKET`). */
  readonly lakeBucketName: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** /tmp size: DuckDB spill files and the S3 download cache live there. */
  readonly ephemeralStorageSize: Size;
  /** Memory DuckDB may use, below the function's memory (`DUCKDB_MEMORY_LIMIT`). */
  readonly duckdbMemoryLimit: string;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicy;
  /** Asynchronous invocations (S3 triggers): where an event goes once its retries are spent. */
  readonly onFailure?: IDestination;
}

export class DuckdbFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DuckdbFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: props.removalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Exécution de ${id} : journaux dans son groupe, accès S3 par préfixe`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.X86_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorageSize,
      role: this.role,
      logGroup: this.logGroup,
      layers: [props.layer],
      projectRoot: REPO_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      environment: {
        STORAGE_MODE: 's3',
        LAKE_BUCKET: props.lakeBucketName,
        CACHE_DIR: '/tmp/cache',
        DUCKDB_THREADS: '2',
        DUCKDB_MEMORY_LIMIT: props.duckdbMemoryLimit,
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(props.onFailure
        ? { onFailure: props.onFailure, retryAttempts: 2, maxEventAge: Duration.hours(6) }
        : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        charset: Charset.UTF8,
        banner: ESM_REQUIRE_BANNER,
        // DuckDB comes from the layer. The AWS SDK is bundled: we pin 3.1173.0, not the runtime's copy.
        externalModules: ['@duckdb/*'],
        // `.sql` files are imported as text; geography JSON (@etalab/decoupage-administratif) is inlined.
        loader: { '.sql': 'text', '.json': 'json' },
        forceDockerBundling: false,
      },
    });
  }
}
