import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/**
 * Least-privilege access to the lake, by key prefix (layout: functions/src/core/storage/keys.ts).
 * Patterns are S3 key patterns as IAM reads them: `raw/*`, `lake/*\/manifest.json`.
 */
export interface LakeAccess {
  /** `s3:GetObject` (also answers HeadObject, used for the ETag cache). */
  readonly read?: readonly string[];
  /** `s3:PutObject` (single and multipart uploads) and `s3:AbortMultipartUpload`. */
  readonly write?: readonly string[];
  /**
   * `s3:ListBucket` restricted to these `s3:prefix` values. Also turns a read of a missing key
   * into 404 NoSuchKey instead of 403 AccessDenied.
   */
  readonly list?: readonly string[];
}

export function grantLakeAccess(bucket: IBucket, role: IRole, access: LakeAccess): void {
  if (access.read?.length) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'LireObjetsLac',
        actions: ['s3:GetObject'],
        resources: access.read.map((pattern) => bucket.arnForObjects(pattern)),
      }),
    );
  }
  if (access.write?.length) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'EcrireObjetsLac',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: access.write.map((pattern) => bucket.arnForObjects(pattern)),
      }),
    );
  }
  if (access.list?.length) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListerPrefixesLac',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [...access.list] } },
      }),
    );
  }
}
