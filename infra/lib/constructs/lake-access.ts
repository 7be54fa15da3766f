import { Fn } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';

/**
 * Least-privilege access to the lake, by key prefix (layout: functions/src/core/storage/keys.ts).
 *
 * Other stacks reach the lake bucket through DataStack's named export, not through a CDK
 * cross-stack reference: the resolved ARN is then the same before and after synthesis, so the
 * cdk-nag finding ids acknowledged below (`AwsSolutions-IAM5[Resource::…/raw/*]`) are stable.
 * (A CDK reference renders as `<LakeBucket….Arn>` before synthesis and as `Fn::GetStackOutput`
 * after it, which is when `cdk synth` runs the nag plugin.)
 */
export function importLakeBucket(scope: Construct, exportName: string): IBucket {
  return Bucket.fromBucketName(scope, 'LakeBucketRef', Fn.importValue(exportName));
}

export interface LakeAccess {
  /** `s3:GetObject` (also answers HeadObject, used for the ETag cache) on these key patterns. */
  readonly read?: readonly string[];
  /** `s3:PutObject` (single and multipart uploads) and `s3:AbortMultipartUpload`. */
  readonly write?: readonly string[];
  /** `s3:DeleteObject` on these key patterns (the compute removes mart files no manifest names). */
  readonly delete?: readonly string[];
  /**
   * `s3:ListBucket` on the bucket. The storage layer needs it even when it never lists: S3 answers
   * a GetObject/HeadObject on a missing key with 404 only to callers holding ListBucket, 403
   * otherwise, and `head()`/`get()` treat 404 as "absent" (first manifest, raw copy not yet there).
   * It is not narrowed with an `s3:prefix` condition: those requests carry no prefix, so the
   * condition would fail and the 404 would become a 403 again. It reveals key names only.
   */
  readonly list?: boolean;
  /** Why this function needs these prefixes: the reason given to cdk-nag for each wildcard. */
  readonly why: string;
}

export function grantLakeAccess(bucket: IBucket, role: IRole, access: LakeAccess): void {
  const patterns = new Set<string>();
  const statements: Array<[string, string[], readonly string[] | undefined]> = [
    ['LireObjetsLac', ['s3:GetObject'], access.read],
    ['EcrireObjetsLac', ['s3:PutObject', 's3:AbortMultipartUpload'], access.write],
    ['SupprimerObjetsLac', ['s3:DeleteObject'], access.delete],
  ];
  for (const [sid, actions, motifs] of statements) {
    if (!motifs?.length) continue;
    role.addToPrincipalPolicy(new PolicyStatement({ sid, actions, resources: motifs.map((pattern) => bucket.arnForObjects(pattern)) }));
    motifs.forEach((pattern) => patterns.add(pattern));
  }
  if (access.list) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'ListerLac', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  }
  acknowledge(
    role,
    [...patterns].map((pattern) => ({
      id: wildcardResourceFinding(role, bucket.arnForObjects(pattern)),
      reason: `Le joker ne couvre que les clés du motif « ${pattern} », dans le seul bucket du lac : ${access.why}`,
    })),
  );
}
