import { randomUUID } from 'node:crypto';
import { AppError, LacNonPretError, ParametreInvalideError, RessourceInconnueError, TerritoireInconnuError } from '../errors.ts';
import type { ErreurReponse, SourcesReponse } from '../model/api-types.ts';
import { CODE_FRANCE, isCodeValide, isNiveau, LIBELLES_NIVEAUX, NIVEAUX, normaliserRecherche, type Niveau } from '../model/niveaux.ts';
import type { CommunesOptions, Queries } from './queries.ts';

/**
 * The HTTP API, independent of the transport: the Lambda adapter (API Gateway v2) and the local
 * Node server both translate their request into `ApiRequete` and send back `ApiReponse`.
 * Every parameter is validated here; bad input is a 4xx with a French message naming it.
 */

export interface ApiRequete {
  methode: string;
  /** Path as received, still percent-encoded (e.g. `/api/territoires/commune/2A004`). */
  chemin: string;
  /** Raw query string without `?`. */
  requete: string;
  correlationId?: string;
}

export interface ApiReponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Journal = (entree: Record<string, unknown>) => void;

const MAX_Q = 100;

export interface SourcesProvider {
  lister(): Promise<SourcesReponse>;
}

export function createApiRouter(queries: Queries, options: { journal?: Journal; sources?: SourcesProvider } = {}) {
  const journal: Journal = options.journal ?? ((e) => console.log(JSON.stringify(e)));
  const sources = options.sources ?? null;

  return async function traiter(req: ApiRequete): Promise<ApiReponse> {
    const correlationId = req.correlationId ?? randomUUID();
    try {
      if (req.methode !== 'GET' && req.methode !== 'HEAD') {
        return json(405, { erreur: { code: 'methode_non_autorisee', message: `Méthode ${req.methode.slice(0, 10)} non autorisée : seules GET et HEAD le sont.` } }, correlationId, { allow: 'GET, HEAD' });
      }
      const segments = decoderChemin(req.chemin);
      const params = lireParametres(req.requete);
      const corps = await router(segments, params);
      return json(200, corps, correlationId);
    } catch (error) {
      if (error instanceof ParametreInvalideError) {
        return json(400, { erreur: { code: error.code, message: error.message, parametre: error.parametre } }, correlationId);
      }
      if (error instanceof TerritoireInconnuError || error instanceof RessourceInconnueError) {
        return json(404, { erreur: { code: error.code, message: error.message } }, correlationId);
      }
      if (error instanceof LacNonPretError) {
        journal({ niveau: 'warn', correlationId, code: error.code, message: error.message });
        return json(503, { erreur: { code: error.code, message: error.message } }, correlationId);
      }
      // An engine or I/O failure: logged once here, with its cause; the client gets no internals.
      journal({
        niveau: 'error',
        correlationId,
        chemin: req.chemin.slice(0, 300),
        code: error instanceof AppError ? error.code : 'erreur_interne',
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
      return json(500, { erreur: { code: 'erreur_interne', message: `Erreur interne du service (référence ${correlationId}).` } }, correlationId);
    }
  };

  async function router(segments: string[], params: Map<string, string>): Promise<unknown> {
    const [api, ressource, niveauBrut, codeBrut, sousRessource, ...reste] = segments;
    if (api === 'api' && ressource === 'sources' && segments.length === 2 && sources) {
      for (const cle of params.keys()) throw new ParametreInvalideError(cle.slice(0, 30), `Paramètre « ${cle.slice(0, 30)} » inconnu : /api/sources n'en accepte aucun.`);
      return sources.lister();
    }
    if (api !== 'api' || ressource !== 'territoires' || reste.length > 0) throw new RessourceInconnueError(`/${segments.join('/')}`);
    if (niveauBrut === undefined) {
      const q = params.get('q');
      if (q === undefined) throw new ParametreInvalideError('q', 'Paramètre « q » manquant : indiquez un nom ou un code de territoire.');
      if (q.length > MAX_Q) throw new ParametreInvalideError('q', `Paramètre « q » trop long (${MAX_Q} caractères au plus).`);
      if (/[\u0000-\u001f\u007f]/.test(q)) throw new ParametreInvalideError('q', 'Paramètre « q » invalide : caractères de contrôle interdits.');
      if (normaliserRecherche(q).length < 2 && !/^[0-9AB]{2,9}$/i.test(q.trim())) {
        throw new ParametreInvalideError('q', 'Paramètre « q » trop court : au moins 2 lettres ou chiffres.');
      }
      const niveauFiltre = params.get('niveau');
      if (niveauFiltre !== undefined && !isNiveau(niveauFiltre)) throw niveauInvalide('niveau', niveauFiltre);
      const limite = entier(params, 'limite', { defaut: 20, min: 1, max: 50 });
      return queries.rechercher(q, { niveau: (niveauFiltre as Niveau | undefined) ?? null, limite });
    }
    if (!isNiveau(niveauBrut)) throw niveauInvalide('niveau', niveauBrut);
    const niveau = niveauBrut;
    if (codeBrut === undefined) throw new RessourceInconnueError(`/api/territoires/${niveau}`);
    const code = niveau === 'france' ? codeBrut.toUpperCase() : codeBrut;
    if (!isCodeValide(niveau, code)) throw codeInvalide(niveau, codeBrut);
    if (sousRessource === undefined) return queries.territoire(niveau, code);
    if (sousRessource !== 'communes') throw new RessourceInconnueError(`/api/territoires/${niveau}/${code}/${sousRessource.slice(0, 50)}`);
    const options: CommunesOptions = {
      tri: choix(params, 'tri', ['population', 'libelle', 'code'] as const, 'population'),
      ordre: choix(params, 'ordre', ['asc', 'desc'] as const, params.get('tri') === 'libelle' || params.get('tri') === 'code' ? 'asc' : 'desc'),
      limite: entier(params, 'limite', { defaut: 1000, min: 1, max: 40_000 }),
      decalage: entier(params, 'decalage', { defaut: 0, min: 0, max: 40_000 }),
    };
    return queries.communes(niveau, code, options);
  }
}

function decoderChemin(chemin: string): string[] {
  const brut = chemin.split('?', 1)[0] ?? '';
  if (brut.length > 500) throw new RessourceInconnueError(brut.slice(0, 50) + '…');
  return brut
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new ParametreInvalideError('chemin', `Chemin mal encodé : « ${s.slice(0, 40)} ».`);
      }
    });
}

function lireParametres(requete: string): Map<string, string> {
  if (requete.length > 2000) throw new ParametreInvalideError('requete', 'Chaîne de requête trop longue (2 000 caractères au plus).');
  const params = new Map<string, string>();
  for (const morceau of requete.split('&')) {
    if (morceau === '') continue;
    const [k, v = ''] = morceau.split(/=(.*)/s, 2) as [string, string?];
    let cle: string;
    let valeur: string;
    try {
      cle = decodeURIComponent(k.replace(/\+/g, ' '));
      valeur = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      throw new ParametreInvalideError(k.slice(0, 30), `Paramètre mal encodé : « ${morceau.slice(0, 40)} ».`);
    }
    if (params.has(cle)) throw new ParametreInvalideError(cle.slice(0, 30), `Paramètre « ${cle.slice(0, 30)} » répété : donnez-le une seule fois.`);
    params.set(cle, valeur);
  }
  return params;
}

function entier(params: Map<string, string>, nom: string, o: { defaut: number; min: number; max: number }): number {
  const v = params.get(nom);
  if (v === undefined) return o.defaut;
  if (!/^\d{1,6}$/.test(v) || Number(v) < o.min || Number(v) > o.max) {
    throw new ParametreInvalideError(nom, `Paramètre « ${nom} » invalide : entier entre ${o.min} et ${o.max} attendu, « ${v.slice(0, 20)} » reçu.`);
  }
  return Number(v);
}

function choix<T extends string>(params: Map<string, string>, nom: string, valeurs: readonly T[], defaut: T): T {
  const v = params.get(nom);
  if (v === undefined) return defaut;
  if (!(valeurs as readonly string[]).includes(v)) {
    throw new ParametreInvalideError(nom, `Paramètre « ${nom} » invalide : valeurs possibles ${valeurs.map((x) => `« ${x} »`).join(', ')}.`);
  }
  return v as T;
}

function niveauInvalide(parametre: string, valeur: string): ParametreInvalideError {
  return new ParametreInvalideError(parametre, `Niveau « ${valeur.slice(0, 30)} » inconnu : niveaux possibles ${NIVEAUX.map((n) => `« ${n} »`).join(', ')}.`);
}

function codeInvalide(niveau: Niveau, code: string): ParametreInvalideError {
  const exemples: Record<Niveau, string> = {
    commune: '5 caractères, ex. « 42218 » ou « 2A004 »',
    epci: 'numéro SIREN à 9 chiffres, ex. « 200046977 »',
    departement: 'ex. « 42 », « 2A » ou « 971 »',
    region: 'ex. « 84 » ou « 01 »',
    france: `« ${CODE_FRANCE} »`,
  };
  return new ParametreInvalideError('code', `Code « ${code.slice(0, 30)} » invalide pour le niveau ${LIBELLES_NIVEAUX[niveau].toLowerCase()} : ${exemples[niveau]}.`);
}

function json(status: number, corps: unknown | ErreurReponse, correlationId: string, extra: Record<string, string> = {}): ApiReponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': status === 200 ? 'public, max-age=300' : 'no-store',
      'x-correlation-id': correlationId,
      'x-content-type-options': 'nosniff',
      ...extra,
    },
    body: JSON.stringify(corps),
  };
}
