import type { ApiReponse } from '../../core/api/router.ts';
import { createApi } from '../../core/api/service.ts';
import type { ErreurReponse } from '../../core/model/api-types.ts';
import type { ApiGatewayV2Event, ApiGatewayV2Result } from '../shared/events.ts';
import { log, runtimeLambda } from '../shared/runtime.ts';

/**
 * API Gateway HTTP API (payload v2) → the core API. The marts manifest is re-read every 10 s.
 * A cached body (territory profiles), and any answer of at least `SEUIL_COMPRESSION` bytes (the
 * values of an indicator for every commune: ~19 MB of JSON, ~0.4 MB compressed), comes back gzip or
 * brotli when the viewer accepts it: it is then returned in base64 (`isBase64Encoded`), which API
 * Gateway decodes; CloudFront does not compress `/api/*` (its cache policy disables caching, hence
 * compression). See ADR 0011.
 *
 * Lambda refuses a result over 6 MB (API Gateway then answers 502): an answer that does not fit is
 * replaced by a JSON error saying why — 406 when it was sent uncompressed because the viewer
 * accepts neither gzip nor brotli.
 */
let api: ReturnType<typeof createApi> | null = null;

/** Lambda's limit on a synchronous result (6 MB), less room for the status, the headers and the JSON around the body. */
export const MAX_CORPS_LAMBDA = 6 * 1024 * 1024 - 64 * 1024;

export async function handler(event: ApiGatewayV2Event): Promise<ApiGatewayV2Result> {
  // 1 GiB function, 600 MB of it for DuckDB: 32 MiB of cached answers besides the profiles
  if (!api) api = createApi(await runtimeLambda(), { ttlMs: 10_000, journal: log, capaciteCacheReponses: 32 * 1024 * 1024 });
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
    const body = Buffer.from(r.octets.buffer, r.octets.byteOffset, r.octets.byteLength).toString('base64');
    return body.length <= MAX_CORPS_LAMBDA ? { statusCode: r.status, headers: r.headers, body, isBase64Encoded: true } : tropVolumineux(r, true);
  }
  return Buffer.byteLength(r.body, 'utf8') <= MAX_CORPS_LAMBDA ? { statusCode: r.status, headers: r.headers, body: r.body } : tropVolumineux(r, false);
}

/** The error sent instead of an answer Lambda cannot return. */
function tropVolumineux(r: ApiReponse, compresse: boolean): ApiGatewayV2Result {
  const correlationId = r.headers['x-correlation-id'] ?? '';
  const taille = `${(Buffer.byteLength(r.body, 'utf8') / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  const erreur: ErreurReponse['erreur'] = compresse
    ? { code: 'reponse_trop_volumineuse', message: `Réponse trop volumineuse, même compressée (${taille} avant compression) : restreignez la demande (référence ${correlationId}).` }
    : {
        code: 'reponse_trop_volumineuse',
        message: `Réponse trop volumineuse pour être envoyée sans compression (${taille}, 6 Mo au plus) : acceptez gzip ou br (en-tête Accept-Encoding), ou restreignez la demande (departement, region).`,
        parametre: 'accept-encoding',
      };
  log({ niveau: 'warn', correlationId, code: erreur.code, message: erreur.message });
  return {
    statusCode: compresse ? 500 : 406,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-correlation-id': correlationId, 'x-content-type-options': 'nosniff', vary: 'accept-encoding' },
    body: JSON.stringify({ erreur }),
  };
}
