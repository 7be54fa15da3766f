import { Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { removalPolicyOf, type Retention } from '../config.ts';
import { DuckdbFunction } from '../constructs/duckdb-function.ts';
import { DuckdbLayer } from '../constructs/duckdb-layer.ts';
import { grantLakeAccess, importLakeBucket } from '../constructs/lake-access.ts';
import { acknowledge } from '../nag.ts';

/** The only route: everything under /api/ goes to the one API Lambda, which routes itself. */
export const API_ROUTE = '/api/{proxy+}';

export interface ApiStackProps extends StackProps, Retention {
  /** DataStack's export of the lake bucket name. */
  readonly lakeBucketExportName: string;
  /** Absolute path of the API handler. */
  readonly entry: string;
}

/**
 * The read-only HTTP API: API Gateway v2 (HTTP API) → the `Api` Lambda, which reads the published
 * marts (and dataset manifests, for provenance) and never writes. Served to browsers through the
 * CloudFront distribution of WebStack, under the same origin as the site.
 */
export class ApiStack extends Stack {
  readonly api: DuckdbFunction;
  readonly httpApi: HttpApi;
  /** `<api-id>.execute-api.<region>.amazonaws.com`: the CloudFront origin. */
  readonly apiDomainName: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    const lake = importLakeBucket(this, props.lakeBucketExportName);
    const removalPolicy = removalPolicyOf(props);

    this.api = new DuckdbFunction(this, 'Api', {
      entry: props.entry,
      description: 'API publique en lecture : indicateurs publiés sous marts/',
      layer: new DuckdbLayer(this, 'DuckdbLayer'),
      lakeBucketName: lake.bucketName,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      ephemeralStorageSize: Size.gibibytes(1),
      duckdbMemoryLimit: '600MB',
      removalPolicy,
    });
    grantLakeAccess(lake, this.api.role, {
      read: ['marts/*', 'lake/*/manifest.json'],
      list: true,
      why: "l'API ne fait que lire les tables publiées sous marts/ et les manifestes des jeux (provenance, millésimes) ; elle n'écrit rien.",
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'API des indicateurs territoriaux de santé (lecture seule)',
      createDefaultStage: false,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Per-stage ceiling, shared by all clients: protects the Lambda concurrency and the bill.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    const [route] = this.httpApi.addRoutes({
      path: API_ROUTE,
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ApiIntegration', this.api.function),
    });
    if (route) {
      acknowledge(route, [
        {
          id: 'AwsSolutions-APIG4',
          reason: "API publique de données ouvertes en lecture seule (GET) : aucune donnée personnelle ni action à protéger, l'accès anonyme est voulu ; abus limités par le throttling du stage.",
        },
      ]);
    }

    this.apiDomainName = `${this.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
  }
}
