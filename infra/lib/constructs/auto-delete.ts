import type { Stack } from 'aws-cdk-lib';
import { acknowledge, CDK_HANDLER_BASIC_ROLE, stackSingletons } from '../nag.ts';

/**
 * With `destroyOnRemoval=true`, buckets get `autoDeleteObjects`: the CDK adds one custom resource
 * provider per stack that empties them before deletion. Its findings are acknowledged here.
 */
export function acknowledgeAutoDeleteProvider(stack: Stack): void {
  for (const provider of stackSingletons(stack, 'Custom::S3AutoDeleteObjectsCustomResourceProvider')) {
    acknowledge(provider, [{ id: 'AwsSolutions-IAM4', reason: CDK_HANDLER_BASIC_ROLE }]);
  }
}
