import { Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
// The key layout is defined once, by the backend (uploads land under raw/depot/).
import { PREFIXE_DEPOT } from '../../../functions/src/core/storage/keys.ts';
import type { Construct } from 'constructs';
import { removalPolicyOf, type Retention } from '../config.ts';
import { DuckdbFunction } from '../constructs/duckdb-function.ts';
import { DuckdbLayer } from '../constructs/duckdb-layer.ts';
import { grantLakeAccess, importLakeBucket } from '../constructs/lake-access.ts';
import { acknowledge, BASIC_EXECUTION_ROLE, CDK_HANDLER_BASIC_ROLE, managedPolicyFinding, stackSingletons } from '../nag.ts';
import type { HandlerEntries } from '../paths.ts';

export interface PipelineStackProps extends StackProps, Retention {
  /** DataStack's export of the lake bucket name. */
  readonly lakeBucketExportName: string;
  readonly entries: Pick<HandlerEntries, 'ingestExtract' | 'computeIndicateurs'>;
}

/**
 * The event-driven pipeline: an upload under raw/depot/ runs IngestExtract (raw copy, Parquet,
 * manifest last); each lake/<dataset>/manifest.json it writes runs ComputeIndicateurs (marts/).
 *
 * The S3 notifications are declared here, on an *imported* reference to the lake bucket, and not
 * in DataStack: the notification needs the functions' ARNs and the functions' policies need the
 * bucket's ARN, so splitting them across the two stacks would make each depend on the other. With
 * the bucket imported (from DataStack's export), the CDK manages the notification configuration
 * through a custom resource in this stack (unmanaged mode: it only touches the notifications it
 * created). DataStack depends on nothing. See docs/adr/0003-lambda-duckdb-couche.md.
 */
export class PipelineStack extends Stack {
  readonly ingestExtract: DuckdbFunction;
  readonly computeIndicateurs: DuckdbFunction;
  readonly failedEvents: Queue;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);

    const lake = importLakeBucket(this, props.lakeBucketExportName);
    const layer = new DuckdbLayer(this, 'DuckdbLayer');

    // S3 invokes asynchronously: Lambda retries twice, then the event and its error land here.
    this.failedEvents = new Queue(this, 'FailedEvents', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.failedEvents, [
      {
        id: 'AwsSolutions-SQS3',
        reason: "Cette file est elle-même la destination d'échec (on-failure) des invocations asynchrones des deux Lambdas ; elle n'a pas de consommateur à protéger par une autre DLQ.",
      },
    ]);
    const onFailure = new SqsDestination(this.failedEvents);
    const removalPolicy = removalPolicyOf(props);

    this.ingestExtract = new DuckdbFunction(this, 'IngestExtract', {
      entry: props.entries.ingestExtract,
      description: 'Ingestion : extrait déposé sous raw/depot/ ; copie raw/, Parquet lake/, manifeste',
      layer,
      lakeBucketName: lake.bucketName,
      memorySize: 2048,
      timeout: Duration.minutes(5),
      ephemeralStorageSize: Size.gibibytes(2),
      duckdbMemoryLimit: '1200MB',
      removalPolicy,
      onFailure,
    });
    grantLakeAccess(lake, this.ingestExtract.role, {
      read: ['raw/*', 'lake/*/manifest.json'],
      write: ['raw/*', 'lake/*'],
      list: true,
      why: "l'ingestion lit le dépôt (raw/depot/), écrit la copie immuable raw/<source>/<millésime>/, le Parquet et le manifeste sous lake/, et relit le manifeste du jeu pour y ajouter le millésime.",
    });

    this.computeIndicateurs = new DuckdbFunction(this, 'ComputeIndicateurs', {
      entry: props.entries.computeIndicateurs,
      description: 'Calcul : à la publication de lake/*/manifest.json, tables marts/',
      layer,
      lakeBucketName: lake.bucketName,
      memorySize: 2048,
      timeout: Duration.minutes(5),
      ephemeralStorageSize: Size.gibibytes(2),
      duckdbMemoryLimit: '1200MB',
      removalPolicy,
      onFailure,
    });
    grantLakeAccess(lake, this.computeIndicateurs.role, {
      read: ['lake/*', 'marts/*'],
      write: ['marts/*'],
      delete: ['marts/*'],
      list: true,
      why: 'le calcul lit les jeux publiés sous lake/ et les tables existantes sous marts/, écrit les tables et leur manifeste sous marts/, et supprime les tables que ni le nouveau manifeste ni le précédent ne nomment.',
    });

    lake.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.ingestExtract.function), {
      prefix: PREFIXE_DEPOT,
    });
    lake.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.computeIndicateurs.function), {
      prefix: 'lake/',
      suffix: 'manifest.json',
    });

    for (const handler of stackSingletons(this, 'BucketNotificationsHandler')) {
      acknowledge(handler, [{ id: managedPolicyFinding(this, BASIC_EXECUTION_ROLE), reason: CDK_HANDLER_BASIC_ROLE }]);
    }
  }
}
