import { Duration } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { removalPolicyOf, type Retention } from '../config.ts';

/**
 * The one way we create buckets: no public access, SSE-S3 encryption, TLS only, retained unless
 * `destroyOnRemoval` (then emptied and deleted with the stack).
 *
 * SSE-S3 rather than KMS: the lake holds public open data (INSEE, DREES…), so a customer key would
 * add cost, key policies and cross-stack grants without protecting anything secret; server access
 * logs and CloudFront standard logs cannot even be delivered to an SSE-KMS bucket.
 */
export interface PrivateBucketProps extends Retention {
  readonly versioned: boolean;
  /** Where S3 server access logs go; omit only for a log bucket itself. */
  readonly serverAccessLogs?: { readonly bucket: IBucket; readonly prefix: string };
  /** Log buckets that receive CloudFront standard logs need ACLs (BucketOwnerPreferred). */
  readonly acceptsCloudFrontLogs?: boolean;
  /** Objects expire after this many days (log buckets). */
  readonly expireAfterDays?: number;
}

export function createPrivateBucket(scope: Construct, id: string, props: PrivateBucketProps): Bucket {
  return new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: props.versioned,
    objectOwnership: props.acceptsCloudFrontLogs
      ? ObjectOwnership.BUCKET_OWNER_PREFERRED
      : ObjectOwnership.BUCKET_OWNER_ENFORCED,
    ...(props.serverAccessLogs
      ? {
          serverAccessLogsBucket: props.serverAccessLogs.bucket,
          serverAccessLogsPrefix: props.serverAccessLogs.prefix,
        }
      : {}),
    lifecycleRules: [
      { id: 'AbandonUploadsIncomplets', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ...(props.versioned ? [{ id: 'ExpireVersionsAnciennes', noncurrentVersionExpiration: Duration.days(90) }] : []),
      ...(props.expireAfterDays ? [{ id: 'ExpireJournaux', expiration: Duration.days(props.expireAfterDays) }] : []),
    ],
    removalPolicy: removalPolicyOf(props),
    autoDeleteObjects: props.destroyOnRemoval,
  });
}
