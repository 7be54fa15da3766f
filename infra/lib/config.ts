import { RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';

/**
 * Context flags read by the app (`cdk.json` "context", or `-c key=value`). A flag given on the
 * command line arrives as the string "true"; one written in cdk.json as a boolean.
 */
export const CONTEXT_DESTROY_ON_REMOVAL = 'destroyOnRemoval';
export const CONTEXT_WEB_BUILD_DIR = 'webBuildDir';

export function contextFlag(node: Node, key: string): boolean {
  const value: unknown = node.tryGetContext(key);
  return value === true || value === 'true';
}

/**
 * Stateful resources (buckets, log groups) are retained when a stack is deleted, unless
 * `destroyOnRemoval=true` (throw-away environments): then they are deleted, buckets emptied first.
 */
export interface Retention {
  readonly destroyOnRemoval: boolean;
}

export function removalPolicyOf(retention: Retention): RemovalPolicy {
  return retention.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
