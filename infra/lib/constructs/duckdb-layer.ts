import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../paths.ts';

/**
 * A Lambda layer holding `@duckdb/node-api` and its native linux-x64 (glibc) binding, copied from
 * the installed `node_modules` (see docs/adr/0003-lambda-duckdb-couche.md). Nothing is downloaded:
 * synth works offline. Functions mark `@duckdb/*` external and find it in `/opt/nodejs/node_modules`.
 */

/** The packages to ship; their `dependencies` are added transitively (optional ones are not). */
const ROOT_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings-linux-x64'] as const;

/** The native file without which the layer is useless (e.g. `npm ci` run on macOS or arm64). */
const NATIVE_BINDING = join('@duckdb', 'node-bindings-linux-x64', 'duckdb.node');

export interface DuckdbLayerProps {
  /** The `node_modules` folder to copy from. @default `<repo>/node_modules` */
  readonly nodeModulesDir?: string;
}

export class DuckdbLayer extends LayerVersion {
  /** `@duckdb/node-api` version shipped in the layer. */
  readonly duckdbVersion: string;

  constructor(scope: Construct, id: string, props: DuckdbLayerProps = {}) {
    const nodeModulesDir = props.nodeModulesDir ?? join(REPO_ROOT, 'node_modules');
    const prepared = prepareDuckdbLayerDir(nodeModulesDir);
    super(scope, id, {
      code: Code.fromAsset(prepared.dir),
      compatibleRuntimes: [Runtime.NODEJS_24_X],
      compatibleArchitectures: [Architecture.X86_64],
      description: `@duckdb/node-api ${prepared.version} (linux-x64, glibc)`,
    });
    this.duckdbVersion = prepared.version;
  }
}

interface PreparedLayer {
  readonly dir: string;
  readonly version: string;
}

const prepared = new Map<string, PreparedLayer>();

/**
 * Builds `<cache>/<key>/content/nodejs/node_modules/...` once per installed set of versions. The cache lives
 * in `node_modules/.cache`, so it goes away with the install; it is shared by every synth and test
 * process (built in a temp folder, then renamed into place).
 */
export function prepareDuckdbLayerDir(nodeModulesDir: string): PreparedLayer {
  const cached = prepared.get(nodeModulesDir);
  if (cached) return cached;

  if (!existsSync(join(nodeModulesDir, NATIVE_BINDING))) {
    throw new Error(
      `Binding DuckDB linux-x64 introuvable (${join(nodeModulesDir, NATIVE_BINDING)}) : ` +
        'la couche Lambda doit être construite depuis un npm ci fait sur Linux x86_64.',
    );
  }
  const packages = collectPackages(nodeModulesDir);
  const version = packages.get('@duckdb/node-api')?.version ?? 'inconnue';
  const fingerprint = createHash('sha256');
  for (const [name, pkg] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    fingerprint.update(`${name}@${pkg.version}\n`);
  }
  fingerprint.update(String(statSync(join(nodeModulesDir, NATIVE_BINDING)).size));
  const key = `${version}-${fingerprint.digest('hex').slice(0, 12)}`;

  const cacheRoot = join(nodeModulesDir, '.cache', 'sante-territoires-duckdb-layer');
  const dir = join(cacheRoot, key);
  if (!existsSync(join(dir, '.complete'))) {
    const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
    for (const [name, pkg] of packages) {
      cpSync(pkg.dir, join(staging, 'content', 'nodejs', 'node_modules', name), {
        recursive: true,
        // Types, docs and nested installs are not needed at run time (nested deps are copied flat).
        filter: (src) => !src.endsWith('.d.ts') && !src.endsWith('.md') && !src.slice(pkg.dir.length).includes(`${sep}node_modules`),
      });
    }
    writeFileSync(join(staging, '.complete'), `${key}\n`);
    mkdirSync(cacheRoot, { recursive: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished first: keep its copy.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(dir, '.complete'))) throw error;
    }
  }
  // The asset is `content/` (holding `nodejs/`); the `.complete` marker stays outside it.
  const result = { dir: join(dir, 'content'), version };
  prepared.set(nodeModulesDir, result);
  return result;
}

interface InstalledPackage {
  readonly dir: string;
  readonly version: string;
}

/** Walks `dependencies` from the roots with Node's lookup rules (nearest `node_modules` upwards). */
function collectPackages(nodeModulesDir: string): Map<string, InstalledPackage> {
  const found = new Map<string, InstalledPackage>();
  const queue: Array<{ name: string; from: string }> = ROOT_PACKAGES.map((name) => ({ name, from: dirname(nodeModulesDir) }));
  while (queue.length > 0) {
    const { name, from } = queue.shift()!;
    const dir = resolvePackageDir(name, from);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
      dependencies?: Record<string, string>;
    };
    const existing = found.get(name);
    if (existing) {
      if (existing.version !== manifest.version) {
        throw new Error(`Couche DuckDB : ${name} installé en deux versions (${existing.version}, ${manifest.version})`);
      }
      continue;
    }
    found.set(name, { dir, version: manifest.version });
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      queue.push({ name: dependency, from: dir });
    }
  }
  return found;
}

/** `<d>/node_modules/<name>` for `from` and each of its ancestors, as Node's `require` looks it up. */
function resolvePackageDir(name: string, from: string): string {
  for (let current = from; ; current = dirname(current)) {
    if (basename(current) !== 'node_modules') {
      const candidate = join(current, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (current === dirname(current)) break;
  }
  throw new Error(`Couche DuckDB : paquet ${name} introuvable depuis ${from} (lancez npm ci)`);
}
