import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 acknowledgements. Each one names a finding as precisely as cdk-nag reports it
 * (granular ids such as `AwsSolutions-IAM5[Resource::…]`) and is attached to the narrowest
 * construct that produces it, never to a stack or the app.
 */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

export function acknowledge(scope: IConstruct, acknowledgements: readonly NagAcknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements);
}

/**
 * Constructs the CDK adds once per stack, at its root, under a fixed id prefix (custom resource
 * providers such as `BucketNotificationsHandler…`, `Custom::CDKBucketDeployment…`,
 * `Custom::S3AutoDeleteObjectsCustomResourceProvider`).
 */
export function stackSingletons(stack: Stack, idPrefix: string): IConstruct[] {
  return stack.node.children.filter((child) => child.node.id.startsWith(idPrefix));
}

/** Shared wording: CDK-owned custom resource handlers we cannot configure. */
export const CDK_HANDLER_BASIC_ROLE =
  "Rôle du gestionnaire de ressource personnalisée fourni par le CDK : il porte AWSLambdaBasicExecutionRole (journaux CloudWatch) et n'est pas configurable.";
