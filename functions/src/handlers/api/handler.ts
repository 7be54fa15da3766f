import { createApi } from '../../core/api/service.ts';
import type { ApiGatewayV2Event, ApiGatewayV2Result } from '../shared/events.ts';
import { log, runtimeLambda } from '../shared/runtime.ts';

/** API Gateway HTTP API (payload v2) → the core API. The marts manifest is re-read every 10 s. */
let api: ReturnType<typeof createApi> | null = null;

export async function handler(event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> {
  if (!api) api = createApi(await runtimeLambda(), { ttlMs: 10_000, journal: log });
  const r = await api({
    methode: event.requestContext?.http?.method ?? 'GET',
    chemin: event.rawPath ?? '/',
    requete: event.rawQueryString ?? '',
    correlationId: event.requestContext?.requestId,
  });
  return { statusCode: r.status, headers: r.headers, body: r.body };
}
