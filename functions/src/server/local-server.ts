import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApi } from '../core/api/service.ts';
import type { Runtime } from '../core/runtime.ts';

/**
 * The local web server: `/api/*` answered by the same API as the Lambda, every other path served
 * from the static build of the web app, with the SPA fallback page for deep links (as CloudFront
 * does in AWS).
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
  close(): Promise<void>;
}

export async function startLocalServer(opts: { runtime: Runtime; host: string; port: number; webRoot: string | null }): Promise<LocalServer> {
  const api = createApi(opts.runtime);
  const webRoot = opts.webRoot ? path.resolve(opts.webRoot) : null;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(JSON.stringify({ niveau: 'error', message: (error as Error).message, stack: (error as Error).stack }));
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Erreur interne du serveur local.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const [chemin = '/', requete = ''] = url.split(/\?(.*)/s, 2);
    if (chemin === '/api' || chemin.startsWith('/api/')) {
      const r = await api({ methode: req.method ?? 'GET', chemin, requete, correlationId: header(req, 'x-correlation-id') });
      res.writeHead(r.status, r.headers);
      res.end(req.method === 'HEAD' ? undefined : (r.octets ?? r.body));
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
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
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

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && /^[\w-]{1,64}$/.test(v) ? v : undefined;
}
