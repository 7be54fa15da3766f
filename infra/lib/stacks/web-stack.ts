import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, CfnOutput, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Retention } from '../config.ts';
import { createPrivateBucket } from '../constructs/private-bucket.ts';
import {
  acknowledge,
  BASIC_EXECUTION_ROLE,
  CDK_HANDLER_BASIC_ROLE,
  managedPolicyFinding,
  stackSingletons,
  wildcardResourceFinding,
} from '../nag.ts';
import { SPA_FALLBACK_PAGE } from '../paths.ts';

export interface WebStackProps extends StackProps, Retention {
  /** The built static site (SvelteKit adapter-static output, with its SPA fallback page). */
  readonly webBuildDir: string;
  /** Domain name of the HTTP API (ApiStack), origin of the `/api/*` behaviour. */
  readonly apiDomainName: string;
}

/**
 * Viewer-request function of the site behaviour. The home page is prerendered (`index.html`,
 * docs/adr/0004-hebergement-web.md); any other path whose last segment has no extension is a route
 * of the single-page app and gets the fallback page; files are served as they are. Done here rather
 * than with distribution-wide error responses, which would also rewrite the API's own 403/404
 * answers into the HTML page.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/') {
    request.uri = '/index.html';
  } else if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) {
    request.uri = '/${SPA_FALLBACK_PAGE}';
  }
  return request;
}`;

/** Hashed build output: safe to cache for a year. Everything else is revalidated. */
const IMMUTABLE_ASSETS = '_app/immutable/*';

/**
 * The public entry point: a CloudFront distribution in front of a private bucket holding the
 * static site (read through Origin Access Control) and of the HTTP API under `/api/*`, so the
 * browser sees a single origin (no CORS).
 */
export class WebStack extends Stack {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    assertWebBuild(props.webBuildDir);

    // CloudFront standard logs and the site bucket's S3 access logs.
    const logs = createPrivateBucket(this, 'AccessLogsBucket', {
      destroyOnRemoval: props.destroyOnRemoval,
      versioned: false,
      expireAfterDays: 365,
      acceptsCloudFrontLogs: true,
    });
    const site = createPrivateBucket(this, 'SiteBucket', {
      destroyOnRemoval: props.destroyOnRemoval,
      // Rebuilt from the repository on every deployment: no history to keep.
      versioned: false,
      serverAccessLogs: { bucket: logs, prefix: 'site-bucket/' },
    });

    const spaRouting = new CloudFrontFunction(this, 'SpaRouting', {
      code: FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
      // CloudFront comments: plain ASCII.
      comment: `Home page to /index.html, SPA routes to /${SPA_FALLBACK_PAGE}`,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Sante des territoires: static site and /api/*',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{ function: spaRouting, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(props.apiDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          // No edge caching: every request reaches the API, query string and headers included,
          // except Host, which must stay API Gateway's own domain.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
          compress: true,
        },
      },
    });
    acknowledge(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason: "Données ouvertes publiques destinées aussi aux territoires d'outre-mer (hors d'Europe) et aux chercheurs : aucune restriction géographique n'est voulue.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: "Site statique et API en lecture seule sur données publiques, sans authentification ni écriture : pas de WAF (coût fixe) ; l'API est protégée par le throttling de son stage et CloudFront par AWS Shield Standard.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: "Pas encore de nom de domaine propre : la distribution utilise le certificat *.cloudfront.net par défaut, avec lequel CloudFront n'applique pas de version TLS minimale. À corriger avec le certificat ACM du domaine.",
      },
    ]);

    // Hashed assets first (long cache), then the pages that reference them (revalidated), so a
    // page is never published before its assets; then the CloudFront cache is invalidated.
    const assets = new BucketDeployment(this, 'DeployImmutableAssets', {
      sources: [Source.asset(props.webBuildDir)],
      destinationBucket: site,
      exclude: ['*'],
      include: [IMMUTABLE_ASSETS],
      // Old hashed files stay: a page already open in a browser may still ask for them.
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      memoryLimit: 512,
    });
    const pages = new BucketDeployment(this, 'DeploySite', {
      sources: [Source.asset(props.webBuildDir)],
      destinationBucket: site,
      exclude: [IMMUTABLE_ASSETS],
      prune: true,
      cacheControl: [CacheControl.fromString('public, max-age=0, must-revalidate')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    pages.node.addDependency(assets);

    acknowledgeBucketDeploymentHandler(this, site);

    new CfnOutput(this, 'SiteUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }
}

/**
 * BucketDeployment runs one CDK-provided Lambda per stack (`Custom::CDKBucketDeployment…`); its
 * role and runtime are generated by aws-cdk-lib. Each finding it raises is acknowledged by name.
 */
function acknowledgeBucketDeploymentHandler(stack: Stack, site: IBucket): void {
  const qualifier: unknown = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier');
  const assetsBucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
    '${Qualifier}',
    typeof qualifier === 'string' ? qualifier : DefaultStackSynthesizer.DEFAULT_QUALIFIER,
  );
  const grantRead = "Actions générées par le grantRead/grantReadWrite du BucketDeployment du CDK : lire l'archive du site dans le bucket d'assets du bootstrap CDK, puis synchroniser le bucket du site.";
  for (const handler of stackSingletons(stack, 'Custom::CDKBucketDeployment')) {
    acknowledge(handler, [
      { id: managedPolicyFinding(stack, BASIC_EXECUTION_ROLE), reason: CDK_HANDLER_BASIC_ROLE },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: grantRead },
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: grantRead },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: grantRead },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: "Générée par le BucketDeployment du CDK sur le seul bucket du site : interrompre les envois multipart qu'il a commencés.",
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: "Générée par le BucketDeployment du CDK sur le seul bucket du site : prune supprime les fichiers qui ne font plus partie du build.",
      },
      {
        id: wildcardResourceFinding(stack, `arn:${Aws.PARTITION}:s3:::${assetsBucket}/*`),
        reason: "Objets du bucket d'assets du bootstrap CDK, où cdk deploy dépose l'archive du site ; le nom de l'objet n'est connu qu'au déploiement.",
      },
      {
        id: wildcardResourceFinding(stack, site.arnForObjects('*')),
        reason: 'Tous les objets du seul bucket du site : le déploiement remplace le site entier.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: "cloudfront:CreateInvalidation et GetInvalidation, que le BucketDeployment du CDK accorde sur « * » pour invalider le cache de la distribution après chaque déploiement ; aucune autre action n'est concernée.",
      },
      {
        id: 'AwsSolutions-L1',
        reason: "Runtime Python de la Lambda du BucketDeployment, fixé par aws-cdk-lib et non configurable ; il suit les mises à jour d'aws-cdk-lib.",
      },
    ]);
  }
}

function assertWebBuild(dir: string): void {
  if (!existsSync(join(dir, SPA_FALLBACK_PAGE))) {
    throw new Error(
      `Site web non construit : ${join(dir, SPA_FALLBACK_PAGE)} est absent. Lancez d'abord npm run build:web.`,
    );
  }
}
