import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createSanteTerritoires } from '../lib/app.ts';
import { CONTEXT_DESTROY_ON_REMOVAL, CONTEXT_WEB_BUILD_DIR, contextFlag } from '../lib/config.ts';
import { assertHandlerEntries, DEFAULT_HANDLER_ENTRIES, DEFAULT_WEB_BUILD_DIR, REPO_ROOT } from '../lib/paths.ts';

// `cdk synth` / `cdk deploy` entry point (cdk.json: "app": "node infra/bin/app.ts", Node 24).
const app = new App();

// `-c webBuildDir=<dir>` replaces web/build (the infra tests pass a minimal site).
const webBuildDirContext: unknown = app.node.tryGetContext(CONTEXT_WEB_BUILD_DIR);
const webBuildDir = typeof webBuildDirContext === 'string' ? resolve(REPO_ROOT, webBuildDirContext) : DEFAULT_WEB_BUILD_DIR;

assertHandlerEntries(DEFAULT_HANDLER_ENTRIES);
createSanteTerritoires(app, {
  webBuildDir,
  handlers: DEFAULT_HANDLER_ENTRIES,
  destroyOnRemoval: contextFlag(app.node, CONTEXT_DESTROY_ON_REMOVAL),
  // No `env`: the templates are environment-agnostic and the same on every machine; the account
  // and region are those of the credentials used by `cdk deploy`.
});

import { Bucket } from "aws-cdk-lib/aws-s3"; import { Stack } from "aws-cdk-lib"; new Bucket(new Stack(app, "BadStack"), "Bad");
// cdk-nag 3: any finding that is not acknowledged in the stacks fails the synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
