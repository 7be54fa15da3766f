import { randomUUID } from 'node:crypto';
import { AppError, LacNonPretError, MartsIllisiblesError, ParametreInvalideError, RessourceInconnueError, TerritoireInconnuError } from '../errors.ts';
import type { ErreurReponse, SourcesReponse } from '../model/api-types.ts';
import { isCodeValide, isNiveau, normaliserRecherche, type Niveau } from '../model/niveaux.ts';
import { createCacheLru } from './cache-lru.ts';
import { TYPE_CSV } from './csv.ts';
import { compresserReponse, etagConnu, preparerCorps, type Codage, type CorpsPrepare } from './representations.ts';
import type { NiveauCouverture } from '../cls/couverture.ts';
import { estIndicateur, NIVEAUX_FILTRE_DEPARTEMENT, NIVEAUX_FILTRE_REGION, type IndicateursQueries } from './indicateurs.ts';
import { autoriser, choix, codeInvalide, codeParametre, decoderChemin, entier, format, lireParametres, niveauInvalide, texte } from './parametres.ts';
import type { CommunesOptions, Queries } from './queries.ts';
import { catalogueCsv, communesCsv, communesIndicateurCsv, profilCsv, seriesCsv, valeursCsv } from './tableaux-csv.ts';

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
  /**
   * The request headers the API reads, as received (any text): `if-none-match` (an ETag the
   * client holds: 304 when current) and `accept-encoding` (a cached body, or any answer of at least
   * `SEUIL_COMPRESSION` bytes, is then sent compressed, with `content-encoding`). Transports that
   * cannot send binary bodies leave the latter out.
   */
  entetes?: { 'if-none-match'?: string; 'accept-encoding'?: string };
}

export interface ApiReponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text, never compressed ('' for a 304). */
  readonly body: string;
  /**
   * The bytes to send, when the router made them (cached responses, compressed answers): the body
   * in UTF-8, or compressed as `headers['content-encoding']` says.
   */
  octets?: Uint8Array;
}

export type Journal = (entree: Record<string, unknown>) => void;

/** What warming did: profiles put in the cache, levels done, time. */
export interface BilanPrechauffage {
  profils: number;
  niveaux: Niveau[];
  ms: number;
  /** Stopped before the end: marts changed, server closing, cache full, or a failure (logged). */
  interrompu: boolean;
}

/** The levels whose profiles are warmed, in this order (communes: on demand, then cached). */
export const NIVEAUX_PRECHAUFFES: readonly Niveau[] = ['france', 'region', 'departement', 'epci', 'cls'];

/**
 * A cached answer given at once, before any routing: its status, its headers as a flat list of
 * names and values (`content-length` included for a 200; the transport adds `x-correlation-id`),
 * and its bytes (null for a 304).
 */
export interface ReponseImmediate {
  status: 200 | 304;
  entetes: readonly string[];
  octets: Buffer | null;
}

export type ApiRouter = ((req: ApiRequete) => Promise<ApiReponse>) & {
  /**
   * The answer to a GET whose exact target (path and query as received) the router has already
   * answered from the profile cache, when it can be given synchronously: the marts were checked
   * less than `confianceMs` ago, the entry is still cached and the body is ready in the coding
   * `accept-encoding` chooses. Else null: ask the router, which validates, computes and checks
   * the marts. Same headers, body and 304 as the router would give.
   */
  immediat(methode: string, cible: string, acceptEncoding: string | undefined, ifNoneMatch: string | undefined): ReponseImmediate | null;
  /**
   * Computes the profiles of every territory of `NIVEAUX_PRECHAUFFES` not yet cached, level by
   * level, from one read of the marts per level, and caches them ready to send (JSON, gzip).
   * Never rejects: a failure is logged and ends it. Calls made while one runs wait for it.
   */
  prechauffer(): Promise<BilanPrechauffage>;
  /** Stops warming (now and for good) and waits for the running one to end. */
  arreter(): Promise<void>;
};

const MAX_Q = 100;

/** Bounded cache of profiles ready to send (about 40 kB of JSON each, plus ~5 kB per coding made). */
export const CAPACITE_CACHE_PROFILS = 2000;

/**
 * Bytes of the other answers read from the marts kept ready to send (catalogue, metadata, values
 * of a level, communes, series, inequalities, CLS coverage), in JSON or CSV. The largest, every
 * commune of one indicator, is ~19 MB of JSON (~4.4 MB of CSV), computed in 1–3 s.
 */
export const CAPACITE_CACHE_REPONSES = 96 * 1024 * 1024;

/**
 * Weight of a cached answer: its bytes, plus a quarter for the codings made on demand (gzip and
 * brotli of these JSON and CSV tables are each under a tenth of them).
 */
const poidsReponse = (corps: CorpsPrepare): number => Math.ceil(corps.octets.byteLength * 1.25) + 1024;

export interface SourcesProvider {
  lister(): Promise<SourcesReponse>;
}

/** A response body: JSON, or a CSV file to download; or a cached body kept ready to send. */
type Corps =
  | {
      type: 'json' | 'csv';
      texte: string;
      /** CSV: the name proposed to the browser (made of validated codes and ids only). */
      fichier?: string;
    }
  /** `cle`: the profile cache's key (its request targets may be answered at once), else null. */
  | { type: 'prepare'; prepare: CorpsPrepare; cache: 'hit' | 'miss'; cle: string | null };

const TYPE_JSON = 'application/json; charset=utf-8';

/** A body made for the request (JSON or CSV text). */
type CorpsTexte = Extract<Corps, { type: 'json' | 'csv' }>;

const enJson = (corps: unknown): CorpsTexte => ({ type: 'json', texte: JSON.stringify(corps) });
const enCsv = (texte: string, fichier: string): CorpsTexte => ({ type: 'csv', texte, fichier });
const entetesCsv = (fichier: string): Record<string, string> => ({ 'content-disposition': `attachment; filename="${fichier}"` });

/** A cached profile: its computation (shared while pending), then its body, and the header lists of its immediate answers. */
interface EntreeProfil {
  calcul: Promise<CorpsPrepare>;
  corps: CorpsPrepare | null;
  /** By status and coding (`indexListe`), made once. */
  listes: Array<readonly string[] | undefined>;
}

const indexListe = (status: 200 | 304, codage: Codage | null): number => (status === 304 ? 3 : 0) + (codage === null ? 0 : codage === 'gzip' ? 1 : 2);

/** At most this many exact targets are remembered for the immediate answers (emptied beyond). */
const MAX_CIBLES = 4 * CAPACITE_CACHE_PROFILS;

export function createApiRouter(
  queries: Queries,
  options: {
    journal?: Journal;
    sources?: SourcesProvider;
    indicateurs?: IndicateursQueries;
    capaciteCache?: number;
    /** Bytes of the other answers kept (`CAPACITE_CACHE_REPONSES` by default). */
    capaciteCacheReponses?: number;
    prechauffage?: boolean;
    /**
     * How long a check of the marts is trusted by `immediat` (the marts reader's own delay; 0, the
     * default: never, every answer goes through the router).
     */
    confianceMs?: number;
  } = {},
): ApiRouter {
  const journal: Journal = options.journal ?? ((e) => console.log(JSON.stringify(e)));
  const sources = options.sources ?? null;
  const indicateurs = options.indicateurs ?? null;
  // Profiles: the body ready to send (a pending one is shared), keyed by level, code and
  // format; emptied whenever the marts change.
  const cacheProfils = createCacheLru<EntreeProfil>(options.capaciteCache ?? CAPACITE_CACHE_PROFILS);
  // Exact request targets (`/api/…/profil?format=csv`) answered from that cache → its key; a
  // target always routes to the same key, so `immediat` can skip routing and validation.
  const cibles = new Map<string, string>();
  // Any other answer read from the marts: its body ready to send, by route and validated
  // parameters, within a byte budget; one computation per key at a time. Emptied with the profiles.
  const cacheReponses = createCacheLru<CorpsPrepare>(options.capaciteCacheReponses ?? CAPACITE_CACHE_REPONSES, poidsReponse);
  const reponsesEnCours = new Map<string, Promise<CorpsPrepare>>();
  const confianceMs = options.confianceMs ?? 0;
  // `immediat` answers until then (ms since the epoch): start of the last check of the marts + confianceMs
  let confianceJusqua = 0;
  let versionCache = '';
  let prechauffageEnCours: Promise<BilanPrechauffage> | null = null;
  let arrete = false;

  async function traiter(req: ApiRequete): Promise<ApiReponse> {
    const correlationId = req.correlationId ?? randomUUID();
    try {
      if (req.methode !== 'GET' && req.methode !== 'HEAD') {
        return json(405, { erreur: { code: 'methode_non_autorisee', message: `Méthode ${req.methode.slice(0, 10)} non autorisée : seules GET et HEAD le sont.` } }, correlationId, { allow: 'GET, HEAD' });
      }
      const segments = decoderChemin(req.chemin);
      const params = lireParametres(req.requete);
      const corps = await router(segments, params);
      if (corps.type !== 'prepare') return await reponse(200, corps, correlationId, req.entetes?.['accept-encoding']);
      if (corps.cle !== null) {
        if (cibles.size >= MAX_CIBLES) cibles.clear();
        cibles.set(req.requete === '' ? req.chemin : `${req.chemin}?${req.requete}`, corps.cle);
      }
      return await reponsePreparee(corps.prepare, corps.cache, req.entetes, correlationId);
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
      if (error instanceof MartsIllisiblesError) {
        // the operator's problem, logged with its cause; the client is told the service is down
        const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
        journal({ niveau: 'error', correlationId, code: error.code, cle: error.cle, remede: error.remede, message: error.message, cause });
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
  }

  async function router(segments: string[], params: Map<string, string>): Promise<Corps> {
    const [api, ressource] = segments;
    if (api === 'api' && ressource === 'sources' && segments.length === 2 && sources) {
      autoriser(params, '/api/sources', []);
      return enJson(await sources.lister());
    }
    if (api === 'api' && ressource === 'indicateurs' && indicateurs) return routeIndicateurs(indicateurs, segments.slice(2), params);
    if (api === 'api' && ressource === 'territoires' && segments.length <= 5) return routeTerritoires(segments.slice(2), params);
    if (api === 'api' && ressource === 'cls' && indicateurs && segments.length === 3) return routeCls(indicateurs, segments[2]!, params);
    throw new RessourceInconnueError(`/${segments.join('/').slice(0, 200)}`);
  }

  async function routeIndicateurs(iq: IndicateursQueries, segments: string[], params: Map<string, string>): Promise<Corps> {
    const [id, sousRessource, ...reste] = segments;
    if (id === undefined) {
      autoriser(params, '/api/indicateurs', ['format']);
      const sortie = format(params);
      return memoriser(['catalogue', sortie], async () => {
        const catalogue = await iq.catalogue();
        return sortie === 'csv' ? enCsv(catalogueCsv(catalogue), 'indicateurs.csv') : enJson(catalogue);
      });
    }
    if (!estIndicateur(id)) throw new RessourceInconnueError(`indicateur « ${id.slice(0, 60)} » (la liste est donnée par /api/indicateurs)`);
    if (sousRessource === undefined) {
      autoriser(params, `/api/indicateurs/${id}`, []);
      return memoriser(['fiche', id], async () => enJson(await iq.fiche(id)));
    }
    if (sousRessource !== 'valeurs' || reste.length > 0) throw new RessourceInconnueError(`/api/indicateurs/${id}/${segments.slice(1).join('/').slice(0, 60)}`);
    autoriser(params, `/api/indicateurs/${id}/valeurs`, ['niveau', 'periode', 'departement', 'region', 'format']);
    const niveauBrut = params.get('niveau');
    if (niveauBrut === undefined) throw new ParametreInvalideError('niveau', 'Paramètre « niveau » manquant : commune, epci, departement, region, france ou cls.');
    if (!isNiveau(niveauBrut)) throw niveauInvalide('niveau', niveauBrut);
    const departement = codeParametre(params, 'departement');
    const region = codeParametre(params, 'region');
    if (departement !== null && region !== null) throw new ParametreInvalideError('region', 'Paramètres « departement » et « region » incompatibles : donnez l’un ou l’autre.');
    if (departement !== null && !NIVEAUX_FILTRE_DEPARTEMENT.includes(niveauBrut)) throw new ParametreInvalideError('departement', `Paramètre « departement » sans objet au niveau ${niveauBrut}.`);
    if (region !== null && !NIVEAUX_FILTRE_REGION.includes(niveauBrut)) throw new ParametreInvalideError('region', `Paramètre « region » sans objet au niveau ${niveauBrut}.`);
    const sortie = format(params);
    const periode = texte(params, 'periode', false);
    return memoriser(['valeurs', id, niveauBrut, periode, departement, region, sortie], async () => {
      const valeurs = await iq.valeurs(id, { niveau: niveauBrut, periode, departement, region });
      return sortie === 'csv' ? enCsv(valeursCsv(valeurs), `${id}-${niveauBrut}-${valeurs.periode ?? 'aucune'}.csv`) : enJson(valeurs);
    });
  }

  async function routeTerritoires(segments: string[], params: Map<string, string>): Promise<Corps> {
    const [niveauBrut, codeBrut, sousRessource] = segments;
    if (niveauBrut === undefined) {
      autoriser(params, '/api/territoires', ['q', 'niveau', 'limite']);
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
      return enJson(await queries.rechercher(q, { niveau: (niveauFiltre as Niveau | undefined) ?? null, limite }));
    }
    if (!isNiveau(niveauBrut)) throw niveauInvalide('niveau', niveauBrut);
    const niveau = niveauBrut;
    if (codeBrut === undefined) throw new RessourceInconnueError(`/api/territoires/${niveau}`);
    const code = niveau === 'france' ? codeBrut.toUpperCase() : codeBrut;
    if (!isCodeValide(niveau, code)) throw codeInvalide(niveau, codeBrut);
    const chemin = `/api/territoires/${niveau}/${code}`;
    if (sousRessource === undefined) {
      autoriser(params, chemin, []);
      return enJson(await queries.territoire(niveau, code));
    }
    if (sousRessource === 'communes') return routeCommunes(niveau, code, params);
    if (indicateurs && sousRessource === 'profil') {
      autoriser(params, `${chemin}/profil`, ['format']);
      return profil(indicateurs, niveau, code, format(params));
    }
    if (indicateurs && sousRessource === 'inegalites') {
      autoriser(params, `${chemin}/inegalites`, ['indicateur', 'periode']);
      const id = texte(params, 'indicateur', true)!;
      const periode = texte(params, 'periode', false);
      return memoriser(['inegalites', niveau, code, id, periode], async () => enJson(await indicateurs.inegalites(niveau, code, id, periode)));
    }
    if (indicateurs && sousRessource === 'series') {
      autoriser(params, `${chemin}/series`, ['indicateur', 'format']);
      const id = texte(params, 'indicateur', true)!;
      const sortie = format(params);
      return memoriser(['series', niveau, code, id, sortie], async () => {
        const series = await indicateurs.series(niveau, code, id);
        return sortie === 'csv' ? enCsv(seriesCsv(series), `serie-${id}-${niveau}-${code}.csv`) : enJson(series);
      });
    }
    throw new RessourceInconnueError(`${chemin}/${sousRessource.slice(0, 50)}`);
  }

  async function routeCommunes(niveau: Niveau, code: string, params: Map<string, string>): Promise<Corps> {
    const chemin = `/api/territoires/${niveau}/${code}/communes`;
    if (indicateurs && params.has('indicateur')) {
      autoriser(params, `${chemin}?indicateur=`, ['indicateur', 'periode', 'format']);
      const id = texte(params, 'indicateur', true)!;
      const sortie = format(params);
      const periode = texte(params, 'periode', false);
      return memoriser(['communes-indicateur', niveau, code, id, periode, sortie], async () => {
        const r = await indicateurs.communes(niveau, code, id, periode);
        return sortie === 'csv' ? enCsv(communesIndicateurCsv(r), `communes-${niveau}-${code}-${id}-${r.periode ?? 'aucune'}.csv`) : enJson(r);
      });
    }
    autoriser(params, chemin, indicateurs ? ['tri', 'ordre', 'limite', 'decalage', 'format', 'indicateur'] : ['tri', 'ordre', 'limite', 'decalage', 'format']);
    const options: CommunesOptions = {
      tri: choix(params, 'tri', ['population', 'libelle', 'code'] as const, 'population'),
      ordre: choix(params, 'ordre', ['asc', 'desc'] as const, params.get('tri') === 'libelle' || params.get('tri') === 'code' ? 'asc' : 'desc'),
      limite: entier(params, 'limite', { defaut: 1000, min: 1, max: 40_000 }),
      decalage: entier(params, 'decalage', { defaut: 0, min: 0, max: 40_000 }),
    };
    const sortie = format(params);
    return memoriser(['communes', niveau, code, options.tri, options.ordre, options.limite, options.decalage, sortie], async () => {
      const r = await queries.communes(niveau, code, options);
      return sortie === 'csv' ? enCsv(communesCsv(r), `communes-${niveau}-${code}.csv`) : enJson(r);
    });
  }

  /** ARS monitoring: `/api/cls/couverture` and `/api/cls/epci-non-couverts` (date defaults to today). */
  async function routeCls(iq: IndicateursQueries, quoi: string, params: Map<string, string>): Promise<Corps> {
    const date = texte(params, 'date', false) ?? new Date().toISOString().slice(0, 10);
    if (quoi === 'couverture') {
      autoriser(params, '/api/cls/couverture', ['date', 'niveau', 'code']);
      const niveau = texte(params, 'niveau', false) ?? 'departement';
      const code = texte(params, 'code', false);
      return memoriser(['couverture', date, niveau, code], async () => enJson(await iq.couverture({ date, niveau: niveau as NiveauCouverture, ...(code === null ? {} : { code }) })));
    }
    if (quoi === 'epci-non-couverts') {
      autoriser(params, '/api/cls/epci-non-couverts', ['date', 'departement', 'region', 'limite']);
      const departement = texte(params, 'departement', false);
      const region = texte(params, 'region', false);
      const limite = entier(params, 'limite', { defaut: 50, min: 1, max: 1000 });
      return memoriser(['epci-non-couverts', date, departement, region, limite], async () =>
        enJson(await iq.epciNonCouverts({ date, limite, ...(departement === null ? {} : { departement }), ...(region === null ? {} : { region }) })),
      );
    }
    throw new RessourceInconnueError(`/api/cls/${quoi.slice(0, 50)}`);
  }

  /** The cache follows the marts: emptied when they change (and warmed again when asked to). */
  async function synchroniser(iq: IndicateursQueries): Promise<string> {
    const debut = Date.now();
    const version = await iq.version();
    if (version !== versionCache) {
      const changement = versionCache !== '';
      cacheProfils.clear();
      cibles.clear();
      cacheReponses.clear();
      reponsesEnCours.clear();
      versionCache = version;
      if (changement && options.prechauffage && !arrete) void prechauffer();
    }
    confianceJusqua = Math.max(confianceJusqua, debut + confianceMs);
    return version;
  }

  /**
   * An answer read from the marts, by its route and validated parameters (`parties`): from the
   * cache when held for the current marts, else computed once (concurrent requests share it) and
   * kept unless the marts changed meanwhile. A failure (bad code, unknown territory) is not kept.
   * Without indicator marts there is no version to follow: computed each time.
   */
  async function memoriser(parties: ReadonlyArray<string | number | null>, calcul: () => Promise<CorpsTexte>): Promise<Corps> {
    if (!indicateurs) return calcul();
    const version = await synchroniser(indicateurs);
    const cle = JSON.stringify(parties);
    const pret = cacheReponses.get(cle);
    if (pret) return { type: 'prepare', prepare: pret, cache: 'hit', cle: null };
    let enCours = reponsesEnCours.get(cle);
    if (!enCours) {
      const promesse = calcul().then((c) => (c.type === 'csv' ? preparerCorps(c.texte, TYPE_CSV, entetesCsv(c.fichier ?? 'export.csv')) : preparerCorps(c.texte, TYPE_JSON)));
      enCours = promesse;
      reponsesEnCours.set(cle, promesse);
      promesse.then(
        (corps) => {
          if (reponsesEnCours.get(cle) === promesse) reponsesEnCours.delete(cle);
          if (versionCache === version) cacheReponses.set(cle, corps);
        },
        () => {
          if (reponsesEnCours.get(cle) === promesse) reponsesEnCours.delete(cle);
        },
      );
    }
    return { type: 'prepare', prepare: await enCours, cache: 'miss', cle: null };
  }

  async function profil(iq: IndicateursQueries, niveau: Niveau, code: string, sortie: 'json' | 'csv'): Promise<Corps> {
    await synchroniser(iq);
    const cle = `${niveau}/${code}/${sortie}`;
    const enCache = cacheProfils.get(cle);
    if (enCache) return { type: 'prepare', prepare: await enCache.calcul, cache: 'hit', cle };
    const entree: EntreeProfil = {
      calcul: iq.profil(niveau, code).then((p) => {
        entree.corps = sortie === 'csv' ? preparerCorps(profilCsv(p), TYPE_CSV, entetesCsv(`profil-${niveau}-${code}.csv`)) : preparerCorps(JSON.stringify(p), TYPE_JSON);
        return entree.corps;
      }),
      corps: null,
      listes: [],
    };
    cacheProfils.set(cle, entree);
    // A failure (unknown territory, engine error) is not cached.
    entree.calcul.catch(() => cacheProfils.supprimer(cle, entree));
    return { type: 'prepare', prepare: await entree.calcul, cache: 'miss', cle };
  }

  function immediat(methode: string, cible: string, acceptEncoding: string | undefined, ifNoneMatch: string | undefined): ReponseImmediate | null {
    if (methode !== 'GET' || Date.now() >= confianceJusqua) return null;
    const cle = cibles.get(cible);
    const entree = cle === undefined ? undefined : cacheProfils.get(cle);
    const corps = entree?.corps;
    if (!corps) return null;
    const codage = corps.codagePour(acceptEncoding);
    if (ifNoneMatch !== undefined && etagConnu(ifNoneMatch, corps.entetesReponse(codage).nonModifie.etag!)) {
      return { status: 304, entetes: listeEntetes(entree, 304, codage), octets: null };
    }
    const octets = codage === null ? corps.octets : corps.compressePret(codage);
    // a coding not made yet: the router makes it
    if (!octets) return null;
    return { status: 200, entetes: listeEntetes(entree, 200, codage, octets.byteLength), octets };
  }

  function prechauffer(): Promise<BilanPrechauffage> {
    const precedent = prechauffageEnCours;
    const suivant = (async () => {
      if (precedent) await precedent;
      return prechaufferMaintenant();
    })();
    prechauffageEnCours = suivant;
    void suivant.finally(() => {
      if (prechauffageEnCours === suivant) prechauffageEnCours = null;
    });
    return suivant;
  }

  async function prechaufferMaintenant(): Promise<BilanPrechauffage> {
    const debut = performance.now();
    const bilan: BilanPrechauffage = { profils: 0, niveaux: [], ms: 0, interrompu: false };
    const iq = indicateurs;
    if (!iq || arrete) return { ...bilan, interrompu: arrete };
    try {
      const version = await synchroniser(iq);
      niveaux: for (const niveau of NIVEAUX_PRECHAUFFES) {
        for await (const p of iq.profilsDuNiveau(niveau)) {
          if (arrete || versionCache !== version || cacheProfils.taille >= cacheProfils.capacite) {
            bilan.interrompu = true;
            break niveaux;
          }
          const cle = `${niveau}/${p.territoire.code}/json`;
          if (cacheProfils.contient(cle)) continue;
          const corps = preparerCorps(JSON.stringify(p), TYPE_JSON);
          // gzip is what browsers ask over http (the local server); brotli is made on demand
          await corps.compresse('gzip');
          if (cacheProfils.contient(cle) || versionCache !== version) continue;
          cacheProfils.set(cle, { calcul: Promise.resolve(corps), corps, listes: [] });
          bilan.profils += 1;
        }
        bilan.niveaux.push(niveau);
      }
    } catch (error) {
      bilan.interrompu = true;
      // no marts yet: nothing to warm, nothing to report
      if (!(error instanceof LacNonPretError)) {
        journal({ niveau: 'warn', code: error instanceof AppError ? error.code : 'prechauffage', message: `Préchauffage des profils interrompu : ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    bilan.ms = performance.now() - debut;
    return bilan;
  }

  async function arreter(): Promise<void> {
    arrete = true;
    await prechauffageEnCours;
  }

  return Object.assign(traiter, { prechauffer, arreter, immediat });
}

/**
 * The headers of an immediate answer (those of `reponsePreparee` with `x-cache: hit`, plus
 * `content-length` for a 200) as a flat list, made once per entry, status and coding.
 */
function listeEntetes(entree: EntreeProfil, status: 200 | 304, codage: Codage | null, longueur = 0): readonly string[] {
  const i = indexListe(status, codage);
  let liste = entree.listes[i];
  if (!liste) {
    const { ok, nonModifie } = entree.corps!.entetesReponse(codage);
    const entetes: Record<string, string> = status === 304 ? { ...nonModifie, 'x-cache': 'hit' } : { ...ok, 'x-cache': 'hit', 'content-length': String(longueur) };
    liste = entree.listes[i] = Object.entries(entetes).flat();
  }
  return liste;
}

/**
 * A cached body: 304 when the client's ETag is current; else the body, compressed when the
 * client accepts it. Either way `vary: accept-encoding`, as the body depends on that header.
 */
async function reponsePreparee(corps: CorpsPrepare, cache: 'hit' | 'miss', requete: ApiRequete['entetes'], correlationId: string): Promise<ApiReponse> {
  const codage = corps.codagePour(requete?.['accept-encoding']);
  const { ok, nonModifie } = corps.entetesReponse(codage);
  if (etagConnu(requete?.['if-none-match'], nonModifie.etag!)) return { status: 304, headers: { ...nonModifie, 'x-cache': cache, 'x-correlation-id': correlationId }, body: '' };
  const octets = codage === null ? corps.octets : (corps.compressePret(codage) ?? (await corps.compresse(codage)));
  return {
    status: 200,
    headers: { ...ok, 'x-cache': cache, 'x-correlation-id': correlationId },
    octets,
    // the text only when a caller reads it (the local server sends `octets`)
    get body() {
      return corps.octets.toString('utf8');
    },
  };
}

/**
 * An answer made for this request: compressed when large and accepted (`compresserReponse`), with
 * `vary: accept-encoding` always, as any answer of these routes may be compressed.
 */
async function reponse(status: number, corps: CorpsTexte, correlationId: string, acceptEncoding: string | undefined): Promise<ApiReponse> {
  const extra: Record<string, string> = corps.type === 'csv' ? { 'content-type': TYPE_CSV, ...entetesCsv(corps.fichier ?? 'export.csv') } : {};
  const headers = { ...entetes(status, correlationId), ...extra, vary: 'accept-encoding' };
  const compresse = await compresserReponse(corps.texte, acceptEncoding);
  if (!compresse) return { status, headers, body: corps.texte };
  return { status, headers: { ...headers, 'content-encoding': compresse.codage }, octets: compresse.octets, body: corps.texte };
}

function entetes(status: number, correlationId: string): Record<string, string> {
  return {
    'content-type': TYPE_JSON,
    'cache-control': status === 200 ? 'public, max-age=300' : 'no-store',
    'x-correlation-id': correlationId,
    'x-content-type-options': 'nosniff',
  };
}

function json(status: number, corps: ErreurReponse, correlationId: string, extra: Record<string, string> = {}): ApiReponse {
  return { status, headers: { ...entetes(status, correlationId), ...extra }, body: JSON.stringify(corps) };
}
