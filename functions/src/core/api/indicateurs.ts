import { comparerPeriodes } from '../model/periodes.ts';
import { sqlPath } from '../duckdb/duckdb.ts';
import { LacNonPretError, ParametreInvalideError, TerritoireInconnuError } from '../errors.ts';
import { indicateur as indicateurParId, INDICATEURS } from '../indicateurs/registry.ts';
import { LIBELLES_THEMES, PORTRAITS, THEMES, type DefinitionIndicateur } from '../indicateurs/types.ts';
import type {
  CatalogueReponse,
  CommunesIndicateurReponse,
  FicheIndicateurReponse,
  IndicateurProfil,
  IndicateurResume,
  ProfilReponse,
  SeriesReponse,
  TerritoireRef,
  ValeurIndicateur,
  ValeursReponse,
} from '../model/api-types.ts';
import { CODE_FRANCE, NIVEAUX, type Niveau } from '../model/niveaux.ts';
import type { Runtime } from '../runtime.ts';
import { couvertureCls, epciNonCouverts, INDICATEURS_BESOIN, type CouvertureResultat, type EpciNonCouvertsResultat, type NiveauCouverture } from '../cls/couverture.ts';
import { inegalitesTerritoire, PROXY_DEFAVORISATION, type ResultatInegalites } from '../inegalites/inegalites.ts';
import { derniereVersion, lireManifesteDataset } from '../lake/manifeste.ts';
import { avecMembreTerritoire } from '../sql/membre-territoire.ts';
import communesSqlBrut from './indicateur-communes.sql';
import libellesSql from './libelles.sql';
import profilSql from './indicateur-profil.sql';
import profilsNiveauSql from './indicateur-profils-niveau.sql';
import seriesSql from './indicateur-series.sql';
import valeursSql from './indicateur-valeurs.sql';
import type { EtatMarts, MartIndicateur, MartsReader } from './marts-reader.ts';
import { relationMart, relationMarts } from './relations-marts.ts';
import { lireTerritoireOuPerimetre, lireTerritoiresDuNiveau, type TerritoireLu } from './territoires.ts';
import { proteger, selectionValeur, valeurVide } from './valeurs.ts';

const communesSql = avecMembreTerritoire(communesSqlBrut);

/**
 * The indicator side of the API: the catalogue (from the registry), and values read from the
 * indicator marts (one Parquet file per indicator). Every value passes through `proteger`.
 */
export interface IndicateursQueries {
  /** Changes whenever the marts change: the key of the response caches. */
  version(): Promise<string>;
  catalogue(): Promise<CatalogueReponse>;
  fiche(id: string): Promise<FicheIndicateurReponse>;
  valeurs(id: string, options: ValeursOptions): Promise<ValeursReponse>;
  profil(niveau: Niveau, code: string): Promise<ProfilReponse>;
  /**
   * The profiles of every territory of a level, in code order, from one read of the indicator
   * marts (the same as `profil` gives one by one): for warming. Not for communes (too many).
   */
  profilsDuNiveau(niveau: Niveau): AsyncIterable<ProfilReponse>;
  series(niveau: Niveau, code: string, id: string): Promise<SeriesReponse>;
  communes(niveau: Niveau, code: string, id: string, periode: string | null): Promise<CommunesIndicateurReponse>;
  /** Distribution of an indicator across the territory's communes, and its gradient over the deprivation proxy. */
  inegalites(niveau: Niveau, code: string, id: string, periode: string | null): Promise<ResultatInegalites>;
  /** CLS coverage at a date, per département, région or France (registry of the lake). */
  couverture(options: { date: string; niveau: NiveauCouverture; code?: string }): Promise<CouvertureResultat>;
  /** EPCI without a CLS in force at a date, ranked by need. */
  epciNonCouverts(options: { date: string; departement?: string; region?: string; limite: number }): Promise<EpciNonCouvertsResultat>;
}

export interface ValeursOptions {
  niveau: Niveau;
  periode: string | null;
  departement: string | null;
  region: string | null;
}

/** The levels whose values can be filtered by département, and by région. */
export const NIVEAUX_FILTRE_DEPARTEMENT: readonly Niveau[] = ['commune', 'epci', 'departement', 'cls'];
export const NIVEAUX_FILTRE_REGION: readonly Niveau[] = ['commune', 'epci', 'departement', 'region', 'cls'];

/** True when the registry knows the indicator (the router answers 404 or 400 otherwise). */
export function estIndicateur(id: string): boolean {
  return indicateurParId(id) !== undefined;
}

const PORTRAIT_DU_THEME = new Map<string, string>(PORTRAITS.flatMap((p) => p.themes.map((t) => [t, p.id] as const)));

function resume(d: DefinitionIndicateur, mart: MartIndicateur | undefined): IndicateurResume {
  return {
    id: d.id,
    libelle: d.libelle,
    libelleCourt: d.libelleCourt,
    description: d.description,
    theme: d.theme,
    libelleTheme: LIBELLES_THEMES[d.theme],
    portrait: PORTRAIT_DU_THEME.get(d.theme) ?? '',
    unite: d.unite,
    multiplicateur: d.multiplicateur,
    decimales: d.decimales,
    polarite: d.polarite,
    methode: d.methode,
    comparable: d.comparable,
    secret: d.secret,
    niveaux: [...d.niveaux],
    // the periods the marts hold (any level), oldest first; the definition's when not computed
    periodes: periodesCalculees(mart) ?? [...d.periodes],
    synthetique: d.synthetique,
    calcule: mart !== undefined && mart.lignes > 0,
  };
}

/** Every period of an indicator's mart, at any level, oldest first; null when it has none. */
function periodesCalculees(mart: MartIndicateur | undefined): string[] | null {
  const toutes = new Set<string>();
  for (const liste of mart?.periodes.values() ?? []) for (const p of liste) toutes.add(p);
  return toutes.size > 0 ? [...toutes].sort(comparerPeriodes) : null;
}

type LigneValeur = ValeurIndicateur & Record<string, unknown>;

/** The SQL of a query on indicator marts (relations-marts.ts: trusted paths), with allow-listed columns. */
function sqlSur(modele: string, marts: readonly MartIndicateur[]): string {
  return modele
    .replaceAll('{{mart}}', () => relationMart(marts[0]!))
    .replaceAll('{{marts}}', () => relationMarts(marts))
    .replaceAll('{{valeur}}', () => selectionValeur('m'));
}

/** A profile row: the values of one indicator file at one period for the territory. */
type LigneProfil = LigneValeur & { fichier: string; periode: string };
type Dernieres = ReadonlyMap<string, { periode: string; fichier: string; mart: MartIndicateur }>;

/** The default period of each indicator at this level (the latest with values), and the files holding one. */
function dernieresPeriodes(etat: EtatMarts, niveau: Niveau): Dernieres {
  const dernieres = new Map<string, { periode: string; fichier: string; mart: MartIndicateur }>();
  for (const { definition: d } of INDICATEURS) {
    const mart = etat.indicateurs.get(d.id);
    const periode = mart?.parDefaut.get(niveau) ?? null;
    if (mart && periode !== null && d.niveaux.includes(niveau)) dernieres.set(d.id, { periode, fichier: mart.fichier, mart });
  }
  return dernieres;
}

/** A profile from the territory and its rows by file (those at the default period only). */
function assemblerProfil(etat: EtatMarts, dernieres: Dernieres, territoire: TerritoireLu, parFichier: ReadonlyMap<string, LigneProfil>): ProfilReponse {
  const indicateurProfil = (d: DefinitionIndicateur): IndicateurProfil => {
    const derniere = dernieres.get(d.id);
    const ligne = derniere ? parFichier.get(derniere.fichier) : undefined;
    const { fichier: _f, periode: _p, ...valeur } = ligne ?? { fichier: '', periode: '', ...valeurVide(derniere ? 'absent' : 'non_disponible') };
    const protegee = proteger(valeur as LigneValeur, d.secret);
    // is each reference value an approximation? (read once per marts version, see marts-reader)
    const approchees = etat.indicateurs.get(d.id)?.referencesApprochees;
    const approximationDe = (niveau: 'departement' | 'region' | 'france', code: string | null) =>
      code === null || derniere === undefined ? null : (approchees?.get(`${niveau}/${code}/${derniere.periode}`) ?? null);
    return {
      indicateur: d.id,
      libelle: d.libelle,
      libelleCourt: d.libelleCourt,
      unite: d.unite,
      decimales: d.decimales,
      polarite: d.polarite,
      synthetique: d.synthetique,
      periode: derniere?.periode ?? null,
      ...protegee,
      approximation_departement: protegee.valeur_departement === null ? null : approximationDe('departement', protegee.departement_reference),
      approximation_region: protegee.valeur_region === null ? null : approximationDe('region', protegee.region_reference),
      approximation_france: protegee.valeur_france === null ? null : approximationDe('france', CODE_FRANCE),
    };
  };
  const { row, parents } = territoire;
  return {
    territoire: { niveau: row.niveau, code: row.code, libelle: row.libelle, parents, population: row.population },
    calculeLe: etat.manifeste.calculeLe,
    portraits: PORTRAITS.map((p) => ({
      id: p.id,
      libelle: p.libelle,
      themes: p.themes.map((t) => ({
        id: t,
        libelle: LIBELLES_THEMES[t],
        indicateurs: INDICATEURS.filter((i) => i.definition.theme === t).map((i) => indicateurProfil(i.definition)),
      })),
    })),
  };
}

export function createIndicateursQueries(runtime: Runtime, marts: MartsReader): IndicateursQueries {
  const db = runtime.db;

  const definition = (id: string): DefinitionIndicateur => {
    const i = indicateurParId(id);
    if (!i) throw new ParametreInvalideError('indicateur', `Indicateur « ${id.slice(0, 60)} » inconnu : la liste est donnée par /api/indicateurs.`);
    return i.definition;
  };

  /** The periods present at a level; `periode` checked against them (400 naming `periode`), by default the latest with values. */
  const choisirPeriode = (etat: EtatMarts, d: DefinitionIndicateur, niveau: Niveau, periode: string | null): { periode: string | null; periodes: string[] } => {
    const mart = etat.indicateurs.get(d.id);
    const periodes = [...(mart?.periodes.get(niveau) ?? [])];
    if (periode === null) return { periode: mart?.parDefaut.get(niveau) ?? null, periodes };
    if (!periodes.includes(periode)) {
      const possibles = periodes.length === 0 ? 'aucune (pas de valeur à ce niveau)' : periodes.map((p) => `« ${p} »`).join(', ');
      throw new ParametreInvalideError('periode', `Période « ${periode.slice(0, 30)} » absente pour l'indicateur « ${d.id} » au niveau ${niveau} : périodes possibles ${possibles}.`);
    }
    return { periode, periodes };
  };

  const niveauProduit = (d: DefinitionIndicateur, niveau: Niveau, parametre: string): void => {
    if (!d.niveaux.includes(niveau)) {
      const message =
        parametre === 'niveau'
          ? `Niveau « ${niveau} » non produit pour l'indicateur « ${d.id} » : niveaux possibles ${d.niveaux.map((n) => `« ${n} »`).join(', ')}.`
          : `Indicateur « ${d.id} » non produit au niveau ${niveau} (niveaux : ${d.niveaux.join(', ')}).`;
      throw new ParametreInvalideError(parametre, message);
    }
  };

  const fichierTerritoires = async (etat: EtatMarts) => runtime.storage.localPath(etat.manifeste.marts.territoires.cle);
  const fichierRegistre = async (): Promise<string | null> => {
    const m = await lireManifesteDataset(runtime.storage, 'registre-cls');
    const v = m ? derniereVersion(m) : null;
    return v ? runtime.storage.localPath(v.cleParquet) : null;
  };
  // the CLS perimeters mart; a lake computed before it existed must be computed again
  const fichierPerimetres = async (etat: Awaited<ReturnType<typeof marts.etat>>): Promise<string> => {
    const cle = etat.manifeste.marts.perimetresCls?.cle;
    if (!cle) throw new LacNonPretError('périmètres des CLS absents des marts : relancez le calcul (npm run compute)');
    return runtime.storage.localPath(cle);
  };

  const registreObligatoire = async (): Promise<string> => {
    const f = await fichierRegistre();
    if (!f) throw new LacNonPretError('registre des CLS absent du lac : importez le fichier de l’ARS (format registre-cls)');
    return f;
  };

  return {
    async inegalites(niveau, code, id, periode) {
      const etat = await marts.etat();
      const d = definition(id);
      const mart = etat.indicateurs.get(d.id);
      if (!mart) throw new ParametreInvalideError('indicateur', `Indicateur « ${d.id} » non calculé dans les marts actuels.`);
      const proxy = etat.indicateurs.get(PROXY_DEFAVORISATION.indicateur)?.fichier ?? null;
      const args = {
        fichierIndicateur: mart.fichier,
        relationIndicateur: relationMart(mart),
        fichierProxy: proxy,
        fichierTerritoires: await fichierTerritoires(etat),
        fichierPerimetresCls: niveau === 'cls' ? await fichierPerimetres(etat) : null,
        niveau,
        code,
        ...(periode === null ? {} : { periode }),
      };
      return db.session((s) => inegalitesTerritoire(s, args));
    },

    async couverture(options) {
      const etat = await marts.etat();
      const fichiers = { registre: await registreObligatoire(), territoires: await fichierTerritoires(etat) };
      return db.session((s) => couvertureCls(s, fichiers, options));
    },

    async epciNonCouverts(options) {
      const etat = await marts.etat();
      const indicateurs = INDICATEURS_BESOIN.flatMap((id) => {
        const m = etat.indicateurs.get(id);
        return m ? [m.fichier] : [];
      });
      const fichiers = { registre: await registreObligatoire(), territoires: await fichierTerritoires(etat), indicateurs };
      return db.session((s) => epciNonCouverts(s, fichiers, options));
    },

    async version() {
      return (await marts.etat()).version;
    },

    async catalogue() {
      const etat = await marts.etat();
      return {
        indicateurs: INDICATEURS.map((i) => resume(i.definition, etat.indicateurs.get(i.definition.id))),
        themes: THEMES.map((t) => ({ id: t, libelle: LIBELLES_THEMES[t], portrait: PORTRAIT_DU_THEME.get(t) ?? '' })),
        portraits: PORTRAITS.map((p) => ({ id: p.id, libelle: p.libelle, themes: [...p.themes] })),
      };
    },

    async fiche(id) {
      const etat = await marts.etat();
      const d = definition(id);
      const mart = etat.indicateurs.get(id);
      const periodesDisponibles: FicheIndicateurReponse['periodesDisponibles'] = {};
      for (const n of NIVEAUX) {
        const p = mart?.periodes.get(n);
        if (p && p.length > 0) periodesDisponibles[n] = [...p];
      }
      return {
        ...resume(d, mart),
        numerateur: d.numerateur,
        denominateur: d.denominateur,
        seuilDiffusion: d.seuilDiffusion,
        approximation: d.approximation,
        annees: d.annees ?? null,
        niveauBrique: d.niveauBrique,
        sources: d.sources.map((s) => ({ producteur: s.producteur, jeu: s.jeu, millesimes: [...s.millesimes] })),
        notes: [...d.notes],
        periodesDisponibles,
        lignes: mart?.lignes ?? 0,
        calculeLe: mart ? etat.manifeste.calculeLe : null,
      };
    },

    async valeurs(id, { niveau, periode: periodeDemandee, departement, region }) {
      const etat = await marts.etat();
      const d = definition(id);
      niveauProduit(d, niveau, 'niveau');
      const { periode, periodes } = choisirPeriode(etat, d, niveau, periodeDemandee);
      const filtre = departement !== null ? { departement } : region !== null ? { region } : null;
      const mart = etat.indicateurs.get(id);
      if (periode === null || !mart) return { indicateur: id, niveau, periode, periodes, filtre, valeurs: [] };
      const rows = await db.all<LigneValeur & { code: string; libelle: string | null }>(sqlSur(valeursSql, [mart]), {
        niveau,
        periode,
        departement: departement ?? '',
        region: region ?? '',
      });
      return { indicateur: id, niveau, periode, periodes, filtre, valeurs: rows.map((r) => proteger(r, d.secret)) };
    },

    async profil(niveau, code) {
      const etat = await marts.etat();
      const dernieres = dernieresPeriodes(etat, niveau);
      const fichiers = [...dernieres.values()].map((x) => x.mart);
      const [territoire, rows] = await Promise.all([
        lireTerritoireOuPerimetre(db, etat, niveau, code).catch((e: unknown) => (e instanceof TerritoireInconnuError ? null : Promise.reject(e))),
        fichiers.length === 0 ? [] : db.all<LigneProfil>(sqlSur(profilSql, fichiers), { niveau, code }),
      ]);
      if (!territoire) throw new TerritoireInconnuError(niveau, code);
      const parFichier = new Map<string, LigneProfil>();
      const attendue = new Map([...dernieres.values()].map((x) => [x.fichier, x.periode]));
      for (const r of rows) if (attendue.get(r.fichier) === r.periode) parFichier.set(r.fichier, r);
      return assemblerProfil(etat, dernieres, territoire, parFichier);
    },

    async *profilsDuNiveau(niveau) {
      if (niveau === 'commune') throw new Error('profilsDuNiveau : pas pour les communes (un profil à la demande, depuis le cache)');
      const etat = await marts.etat();
      const territoires = await lireTerritoiresDuNiveau(db, etat, niveau);
      if (territoires.length === 0) return;
      const dernieres = dernieresPeriodes(etat, niveau);
      const fichiers = [...dernieres.values()].map((x) => x.mart);
      const attendus = [...dernieres.values()].map((x) => `${x.fichier}\t${x.periode}`).join('\n');
      const rows = fichiers.length === 0 ? [] : await db.all<LigneProfil & { code: string }>(sqlSur(profilsNiveauSql, fichiers), { niveau, attendus });
      const parCode = new Map<string, Map<string, LigneProfil>>();
      for (const { code, ...r } of rows) {
        const parFichier = parCode.get(code) ?? new Map<string, LigneProfil>();
        parFichier.set(r.fichier, r as LigneProfil);
        parCode.set(code, parFichier);
      }
      for (const t of territoires) yield assemblerProfil(etat, dernieres, t, parCode.get(t.row.code) ?? new Map());
    },

    async series(niveau, code, id) {
      const etat = await marts.etat();
      const d = definition(id);
      niveauProduit(d, niveau, 'indicateur');
      const { row, parents } = await lireTerritoireOuPerimetre(db, etat, niveau, code);
      const cible: TerritoireRef = { niveau: row.niveau, code: row.code, libelle: row.libelle };
      const mart = etat.indicateurs.get(id);
      if (!mart) return { indicateur: id, territoire: cible, series: [{ ...cible, role: 'territoire', valeurs: [] }] };
      type LigneSerie = LigneValeur & { niveau: Niveau; code: string; periode: string };
      const lire = (territoires: TerritoireRef[]) =>
        territoires.length === 0 ? Promise.resolve([] as LigneSerie[]) : db.all<LigneSerie>(sqlSur(seriesSql, [mart]), { territoires: territoires.map((t) => `${t.niveau}/${t.code}`).join(',') });
      const propres = await lire([cible]);
      // References: those the values were compared with (the latest named), else the parents.
      const references: Array<TerritoireRef & { role: 'departement' | 'region' | 'france' }> = [];
      const reference = (role: 'departement' | 'region', colonne: 'departement_reference' | 'region_reference') => {
        if (niveau === role || niveau === 'france' || (role === 'departement' && niveau === 'region')) return;
        const code = propres.findLast((r) => r[colonne] !== null)?.[colonne] ?? parents.find((p) => p.niveau === role)?.code;
        if (code) references.push({ niveau: role, code, libelle: parents.find((p) => p.niveau === role && p.code === code)?.libelle ?? code, role });
      };
      reference('departement', 'departement_reference');
      reference('region', 'region_reference');
      if (niveau !== 'france') references.push({ niveau: 'france', code: CODE_FRANCE, libelle: 'France', role: 'france' });
      const autres = await lire(references);
      const libelles = await libellesDe(references);
      const serie = (t: TerritoireRef, role: SeriesReponse['series'][number]['role'], lignes: LigneSerie[]): SeriesReponse['series'][number] => ({
        ...t,
        libelle: libelles.get(`${t.niveau}/${t.code}`) ?? t.libelle,
        role,
        valeurs: lignes
          .filter((l) => l.niveau === t.niveau && l.code === t.code)
          .map(({ niveau: _n, code: _c, ...v }) => proteger(v, d.secret)),
      });
      return {
        indicateur: id,
        territoire: cible,
        series: [serie(cible, 'territoire', propres), ...references.map((r) => serie({ niveau: r.niveau, code: r.code, libelle: r.libelle }, r.role, autres))],
      };
    },

    async communes(niveau, code, id, periodeDemandee) {
      const etat = await marts.etat();
      const d = definition(id);
      niveauProduit(d, 'commune', 'indicateur');
      const { row } = await lireTerritoireOuPerimetre(db, etat, niveau, code);
      const { periode, periodes } = choisirPeriode(etat, d, 'commune', periodeDemandee);
      const mart = etat.indicateurs.get(id);
      const territoire = { niveau: row.niveau, code: row.code, libelle: row.libelle };
      if (periode === null || !mart) return { territoire, indicateur: id, periode, periodes, total: 0, communes: [] };
      const rows = await db.all<LigneValeur & { code: string; libelle: string; population: number | null }>(sqlSur(communesSql, [mart]), {
        niveau,
        code,
        periode,
      });
      return { territoire, indicateur: id, periode, periodes, total: rows.length, communes: rows.map((r) => proteger(r, d.secret)) };
    },
  };

  /** Names of reference territories from the territories mart (France, départements, régions). */
  async function libellesDe(territoires: TerritoireRef[]): Promise<Map<string, string>> {
    if (territoires.length === 0) return new Map();
    const rows = await db.all<{ cle: string; libelle: string }>(libellesSql, { territoires: territoires.map((t) => `${t.niveau}/${t.code}`).join(',') });
    return new Map(rows.map((r) => [r.cle, r.libelle]));
  }
}
