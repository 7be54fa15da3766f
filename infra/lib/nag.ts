import { Stack, Validations } from 'aws-cdk-lib';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
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

/** Shared wording: the roles of the CDK's own custom resource handlers. */
export const CDK_HANDLER_BASIC_ROLE =
  "Rôle d'un gestionnaire de ressource personnalisée fourni par le CDK, qui lui attache toujours AWSLambdaBasicExecutionRole : cette politique ne permet que d'écrire ses journaux CloudWatch.";

/**
 * The id cdk-nag gives an AWS managed policy on a role, e.g.
 * `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`
 * (the partition is a literal when the stack's region is known, hence computed, not written).
 */
export function managedPolicyFinding(scope: IConstruct, managedPolicyName: string): string {
  const arn = ManagedPolicy.fromAwsManagedPolicyName(managedPolicyName).managedPolicyArn;
  return `AwsSolutions-IAM4[Policy::${flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

/** The id cdk-nag gives a wildcard resource, rendered exactly as its IAM5 rule renders it. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

export const BASIC_EXECUTION_ROLE = 'service-role/AWSLambdaBasicExecutionRole';
