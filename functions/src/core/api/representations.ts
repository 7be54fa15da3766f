import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * A response body kept ready to send again and again: its UTF-8 bytes, a strong validator (ETag)
 * and its compressed codings, each made once, on first demand, off the event loop (zlib runs on
 * libuv's thread pool). Plus the two header readers it needs: `Accept-Encoding` (which coding to
 * send) and `If-None-Match` (whether the client already holds it: 304). Both readers take any
 * string a client may send and never throw: what they cannot read counts as absent.
 */

export type Codage = 'br' | 'gzip';

export interface CorpsPrepare {
  /** `content-type` of the body. */
  readonly type: string;
  /** Extra headers of this body (e.g. `content-disposition` of a CSV). */
  readonly entetes: Readonly<Record<string, string>>;
  /** The body in UTF-8, uncompressed. */
  readonly octets: Buffer;
  /** Strong ETag of the uncompressed body, quoted: `"…"`. */
  readonly etag: string;
  /** The body compressed with `codage` (made once, then kept). */
  compresse(codage: Codage): Promise<Buffer>;
  /** The compressed body if it is already made (the hot path stays synchronous). */
  compressePret(codage: Codage): Buffer | undefined;
  /**
   * The coding to send this body with for an `Accept-Encoding` value: none below
   * `SEUIL_COMPRESSION` bytes (compressing would cost more than it saves), else `choisirCodage`.
   */
  codagePour(acceptEncoding: string | undefined): Codage | null;
  /**
   * The headers of a 200 sending this body with `codage` (null: uncompressed), and of a 304
   * (validator, caching, `vary`), made once each; callers copy them before adding their own.
   */
  entetesReponse(codage: Codage | null): { ok: Readonly<Record<string, string>>; nonModifie: Readonly<Record<string, string>> };
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Compression settings. A cached body is compressed once: measured on 40 kB profiles, gzip level 9
 * gives ~4.8 kB in ~0.5 ms; brotli quality 6 ~4.5 kB in ~1 ms (quality 11 saves 12 % more but
 * costs ~55 ms per profile). A body of more than `GRAND_CORPS` bytes, and any answer compressed on
 * each request, uses `volee`, so that its first request waits no longer: measured on the 19 MB
 * JSON of a commune-level indicator, gzip level 6 gives 453 kB in ~63 ms, brotli quality 4 388 kB
 * in ~52 ms (quality 6: 349 kB, ~79 ms).
 */
const REGLAGES = {
  cache: { gzip: 9, br: 6 },
  volee: { gzip: 6, br: 4 },
} as const;

/** Above this size (bytes) a cached body is compressed with the `volee` settings. */
const GRAND_CORPS = 1024 * 1024;

function compresser(octets: Buffer, codage: Codage, reglage: keyof typeof REGLAGES = 'cache'): Promise<Buffer> {
  const niveau = REGLAGES[reglage][codage];
  return codage === 'gzip'
    ? gzipAsync(octets, { level: niveau })
    : brotliAsync(octets, { params: { [constants.BROTLI_PARAM_QUALITY]: niveau, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: octets.length } });
}

/**
 * Answers below this size (UTF-8 bytes) are sent as they are: compressing a search result or a
 * territory (1–5 kB) would cost more than it saves.
 */
export const SEUIL_COMPRESSION = 8 * 1024;

/**
 * A body made for one request (not cached), compressed when it is at least `SEUIL_COMPRESSION`
 * bytes and `Accept-Encoding` accepts gzip or brotli (off the event loop); else null, sent as is.
 */
export async function compresserReponse(texte: string, acceptEncoding: string | undefined): Promise<{ codage: Codage; octets: Buffer } | null> {
  const codage = choisirCodage(acceptEncoding);
  if (codage === null || Buffer.byteLength(texte, 'utf8') < SEUIL_COMPRESSION) return null;
  return { codage, octets: await compresser(Buffer.from(texte, 'utf8'), codage, 'volee') };
}

export function preparerCorps(texte: string, type: string, entetes: Record<string, string> = {}): CorpsPrepare {
  const octets = Buffer.from(texte, 'utf8');
  const etag = `"${createHash('sha256').update(octets).digest('base64url').slice(0, 27)}"`;
  const faits: Partial<Record<Codage, Buffer>> = {};
  const enCours: Partial<Record<Codage, Promise<Buffer>>> = {};
  const parCodage = new Map<Codage | null, ReturnType<CorpsPrepare['entetesReponse']>>();
  const corps: CorpsPrepare = {
    type,
    entetes,
    octets,
    etag,
    compressePret: (codage) => faits[codage],
    codagePour: (acceptEncoding) => (octets.byteLength < SEUIL_COMPRESSION ? null : choisirCodage(acceptEncoding)),
    entetesReponse(codage) {
      let e = parCodage.get(codage);
      if (!e) {
        const nonModifie = { 'cache-control': 'public, max-age=300', etag: etagCode(corps, codage), vary: 'accept-encoding', 'x-content-type-options': 'nosniff' };
        e = { nonModifie, ok: { ...nonModifie, 'content-type': type, ...entetes, ...(codage === null ? {} : { 'content-encoding': codage }) } };
        parCodage.set(codage, e);
      }
      return e;
    },
    compresse(codage) {
      const fait = faits[codage];
      if (fait) return Promise.resolve(fait);
      return (enCours[codage] ??= compresser(octets, codage, octets.byteLength > GRAND_CORPS ? 'volee' : 'cache').then((b) => {
        faits[codage] = b;
        delete enCours[codage];
        return b;
      }));
    },
  };
  return corps;
}

/** The ETag of the body as sent with `codage`: a compressed body is another representation (RFC 9110, 8.8.3). */
export function etagCode(corps: CorpsPrepare, codage: Codage | null): string {
  return codage === null ? corps.etag : `${corps.etag.slice(0, -1)}-${codage}"`;
}

/** Longest header value read: Node refuses headers over 16 kB anyway; API Gateway over 10 kB. */
const MAX_ENTETE = 4096;
/** At most this many list members are read. */
const MAX_ELEMENTS = 64;

/**
 * The coding to send for an `Accept-Encoding` value (RFC 9110, 12.5.3): the accepted one with the
 * highest weight, brotli before gzip on a tie (smaller); `*` stands for any coding not named;
 * `x-gzip` is gzip. null: send the body as is (no header, nothing acceptable, or unreadable).
 */
export function choisirCodage(acceptEncoding: string | undefined): Codage | null {
  if (acceptEncoding === undefined || acceptEncoding.length === 0) return null;
  // a client sends the same value again and again (compared, cheaper than hashing a new string)
  if (acceptEncoding === dernier.valeur) return dernier.codage;
  // browsers send the same few values: read once each
  let codage = codagesLus.get(acceptEncoding);
  if (codage === undefined) {
    codage = lireAcceptEncoding(acceptEncoding);
    if (codagesLus.size >= 256) codagesLus.clear();
    codagesLus.set(acceptEncoding, codage);
  }
  if (acceptEncoding.length <= 256) dernier = { valeur: acceptEncoding, codage };
  return codage;
}

const codagesLus = new Map<string, Codage | null>();
let dernier: { valeur: string; codage: Codage | null } = { valeur: '', codage: null };

function lireAcceptEncoding(acceptEncoding: string): Codage | null {
  const poids = new Map<string, number>();
  for (const element of acceptEncoding.slice(0, MAX_ENTETE).split(',', MAX_ELEMENTS)) {
    const [nom = '', ...parametres] = element.split(';');
    const codage = nom.trim().toLowerCase();
    if (!/^(?:[a-z0-9!#$%&'*+.^_`|~-]+)$/.test(codage)) continue;
    let q = 1;
    for (const p of parametres) {
      if (!/^\s*q\s*=/i.test(p)) continue;
      const m = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/i.exec(p);
      // an unreadable weight makes the member unreadable: ignored
      q = m ? Number(m[1]) : Number.NaN;
    }
    if (Number.isNaN(q)) continue;
    const cle = codage === 'x-gzip' ? 'gzip' : codage;
    poids.set(cle, Math.max(poids.get(cle) ?? 0, q));
  }
  const etoile = poids.get('*');
  const qBr = poids.get('br') ?? etoile ?? 0;
  const qGzip = poids.get('gzip') ?? etoile ?? 0;
  if (qBr > 0 && qBr >= qGzip) return 'br';
  if (qGzip > 0) return 'gzip';
  return null;
}

/**
 * True when `If-None-Match` names `etag` (weak comparison, as RFC 9110, 13.1.2 requires for this
 * header) or is `*`: the client's copy is current, the answer is 304 without a body.
 */
export function etagConnu(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const valeur = ifNoneMatch.slice(0, MAX_ENTETE);
  if (valeur.trim() === '*') return true;
  const attendu = etag.slice(1, -1);
  let n = 0;
  for (const m of valeur.matchAll(/(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/g)) {
    if (m[1] === attendu) return true;
    if (++n >= MAX_ELEMENTS) break;
  }
  return false;
}
