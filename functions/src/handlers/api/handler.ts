import { createApi } from '../../core/api/service.ts';
import type { ApiGatewayV2Event, ApiGatewayV2Result } from '../shared/events.ts';
import { log, runtimeLambda } from '../shared/runtime.ts';

/**
 * API Gateway HTTP API (payload v2) → the core API. The marts manifest is re-read every 10 s.
 * A cached body (territory profiles) comes back gzip or brotli when the viewer accepts it: it is
 * then returned in base64 (`isBase64Encoded`), which API Gateway decodes; CloudFront does not
 * compress `/api/*` (its cache policy disables caching, hence compression). See ADR 0011.
 */
let api: ReturnType<typeof createApi> | null = null;

export async function handler(event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> {
  if (!api) api = createApi(await runtimeLambda(), { ttlMs: 10_000, journal: log });
  // API Gateway v2 gives header names in lower case, repeated headers joined with commas
  const entetes = event.headers ?? {};
  const r = await api({
    methode: event.requestContext?.http?.method ?? 'GET',
    chemin: event.rawPath ?? '/',
    requete: event.rawQueryString ?? '',
    correlationId: event.requestContext?.requestId,
    entetes: { 'if-none-match': entetes['if-none-match'], 'accept-encoding': entetes['accept-encoding'] },
  });
  if (r.headers['content-encoding'] && r.octets) {
    return { statusCode: r.status, headers: r.headers, body: Buffer.from(r.octets.buffer, r.octets.byteOffset, r.octets.byteLength).toString('base64'), isBase64Encoded: true };
  }
  return { statusCode: r.status, headers: r.headers, body: r.body };
}
