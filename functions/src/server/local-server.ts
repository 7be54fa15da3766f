import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BilanPrechauffage } from '../core/api/router.ts';
import { createApi } from '../core/api/service.ts';
import type { Runtime } from '../core/runtime.ts';

/**
 * The local web server: `/api/*` answered by the same API as the Lambda, every other path served
 * from the static build of the web app, with the SPA fallback page for deep links (as CloudFront
 * does in AWS).
 *
 * At start it warms, in the background, the profiles of France, régions, départements, EPCI and
 * CLS perimeters (and again when the marts change); cached bodies go out as they are kept, gzip
 * or brotli when the browser accepts it, 304 when its ETag is current. The marts manifest is
 * checked at most once a second (a stat per request was the largest cost of a cached answer).
 */

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export const FALLBACK = '200.html';

export interface LocalServer {
  url: string;
  /** The warming started with the server (resolved at once when it is off). */
  prechauffage: Promise<BilanPrechauffage>;
  close(): Promise<void>;
}

export interface OptionsServeurLocal {
  runtime: Runtime;
  host: string;
  port: number;
  webRoot: string | null;
  /** Warm the profiles at start and when the marts change (default true). */
  prechauffage?: boolean;
  /** How long the marts manifest is trusted before it is checked again (default 1 000 ms). */
  ttlMs?: number;
}

export async function startLocalServer(opts: OptionsServeurLocal): Promise<LocalServer> {
  const prechauffer = opts.prechauffage ?? true;
  const api = createApi(opts.runtime, { ttlMs: opts.ttlMs ?? 1000, prechauffage: prechauffer });
  const webRoot = opts.webRoot ? path.resolve(opts.webRoot) : null;

  // Node's defaults kept: no Nagle (noDelay), keep-alive 5 s, headers within 60 s.
  const server = createServer({ noDelay: true }, (req, res) => {
    // A cached profile already asked for by this exact target: sent at once (no routing, no promise).
    const h = req.method === 'GET' ? entetesImmediats(req.rawHeaders) : null;
    const immediate = h && api.immediat('GET', req.url ?? '', h.acceptEncoding, h.ifNoneMatch);
    if (immediate) {
      res.writeHead(immediate.status, [...immediate.entetes, 'x-correlation-id', h.correlation !== undefined && CORRELATION.test(h.correlation) ? h.correlation : randomUUID()]);
      res.end(immediate.octets ?? undefined);
      return;
    }
    handle(req, res).catch((error: unknown) => {
      console.error(JSON.stringify({ niveau: 'error', message: (error as Error).message, stack: (error as Error).stack }));
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Erreur interne du serveur local.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const chemin = q < 0 ? url : url.slice(0, q);
    const requete = q < 0 ? '' : url.slice(q + 1);
    if (chemin === '/api' || chemin.startsWith('/api/')) {
      const r = await api({
        methode: req.method ?? 'GET',
        chemin,
        requete,
        correlationId: header(req, 'x-correlation-id'),
        entetes: { 'if-none-match': req.headers['if-none-match'], 'accept-encoding': req.headers['accept-encoding'] },
      });
      if (r.status === 304) {
        res.writeHead(304, r.headers);
        res.end();
        return;
      }
      const corps = r.octets ?? r.body;
      // the length, so that keep-alive answers are not chunked
      r.headers['content-length'] = String(typeof corps === 'string' ? Buffer.byteLength(corps) : corps.byteLength);
      res.writeHead(r.status, r.headers);
      res.end(req.method === 'HEAD' ? undefined : corps);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Méthode non autorisée.');
      return;
    }
    if (!webRoot) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Application web non construite.');
      return;
    }
    await servirStatique(webRoot, chemin, req, res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const prechauffage = prechauffer ? api.prechauffer() : Promise.resolve({ profils: 0, niveaux: [], ms: 0, interrompu: false });
  return {
    url: `http://${host}:${address.port}`,
    prechauffage,
    close: async () => {
      // warming reads the marts: it ends before the runtime may be closed
      await api.arreter();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

async function servirStatique(webRoot: string, chemin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(chemin);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Chemin mal encodé.');
    return;
  }
  const candidate = path.resolve(webRoot, '.' + path.posix.normalize('/' + decoded));
  if (candidate !== webRoot && !candidate.startsWith(webRoot + path.sep)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Introuvable.');
    return;
  }
  const tryFiles = [candidate, path.join(candidate, 'index.html'), `${candidate}.html`];
  for (const file of tryFiles) {
    const s = await stat(file).catch(() => null);
    if (s?.isFile()) return envoyer(file, s.size, 200, req, res);
  }
  // Unknown asset (has an extension): 404. Unknown route: the SPA fallback page.
  if (path.extname(decoded) !== '') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Introuvable.');
    return;
  }
  const fallback = path.join(webRoot, FALLBACK);
  const s = await stat(fallback).catch(() => null);
  if (!s) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Introuvable.');
    return;
  }
  return envoyer(fallback, s.size, 200, req, res);
}

function envoyer(file: string, size: number, status: number, req: IncomingMessage, res: ServerResponse): void {
  const immutable = file.includes(`${path.sep}_app${path.sep}immutable${path.sep}`);
  res.writeHead(status, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

/** A correlation id the client may choose (else one is made). */
const CORRELATION = /^[\w-]{1,64}$/;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && CORRELATION.test(v) ? v : undefined;
}

/**
 * The request headers an immediate answer reads, from Node's raw list (cheaper than building
 * `req.headers`); null when one of them is repeated (Node joins the values: left to the router).
 */
function entetesImmediats(brut: readonly string[]): { acceptEncoding?: string; ifNoneMatch?: string; correlation?: string } | null {
  const lus: { acceptEncoding?: string; ifNoneMatch?: string; correlation?: string } = {};
  for (let i = 0; i < brut.length; i += 2) {
    const nom = brut[i]!;
    const champ = nom.length === 15 ? 'acceptEncoding' : nom.length === 13 ? 'ifNoneMatch' : nom.length === 16 ? 'correlation' : null;
    if (champ === null || nom.toLowerCase() !== NOMS_IMMEDIATS[champ]) continue;
    if (lus[champ] !== undefined) return null;
    lus[champ] = brut[i + 1]!;
  }
  return lus;
}

const NOMS_IMMEDIATS = { acceptEncoding: 'accept-encoding', ifNoneMatch: 'if-none-match', correlation: 'x-correlation-id' } as const;
