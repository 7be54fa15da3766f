import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Retention } from '../config.ts';
import { createPrivateBucket } from '../constructs/private-bucket.ts';

export interface DataStackProps extends StackProps, Retention {}

/**
 * The lake: one private bucket whose key layout (raw/, lake/, marts/) is the contract between the
 * ingest and compute Lambdas and the API; plus the bucket receiving its S3 server access logs.
 * Nothing else lives here, so the stateful part can be deployed and retained on its own.
 */
export class DataStack extends Stack {
  readonly lakeBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  /** CloudFormation export holding the lake bucket's name; read it with `importLakeBucket`. */
  readonly lakeBucketExportName: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    this.accessLogsBucket = createPrivateBucket(this, 'AccessLogsBucket', {
      destroyOnRemoval: props.destroyOnRemoval,
      versioned: false,
      expireAfterDays: 365,
    });
    // cdk-nag's S1 accepts a bucket that is itself a server-access-log destination: no finding.

    this.lakeBucket = createPrivateBucket(this, 'LakeBucket', {
      destroyOnRemoval: props.destroyOnRemoval,
      versioned: true,
      serverAccessLogs: { bucket: this.accessLogsBucket, prefix: 'lake-bucket/' },
    });

    this.lakeBucketExportName = `${this.stackName}-LakeBucketName`;
    new CfnOutput(this, 'LakeBucketName', {
      value: this.lakeBucket.bucketName,
      exportName: this.lakeBucketExportName,
      description: 'Bucket du lac : déposer les extraits sous raw/depot/',
    });
  }
}
