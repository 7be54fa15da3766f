import type { CommunesReponse, Population, RechercheReponse, StatutValeur, TerritoireRef, TerritoireReponse } from '../model/api-types.ts';
import { CODE_FRANCE, normaliserRecherche, type Niveau } from '../model/niveaux.ts';
import type { Runtime } from '../runtime.ts';
import { avecMembreTerritoire } from '../sql/membre-territoire.ts';
import communesSqlBrut from './communes.sql';
import type { EtatMarts, MartsReader } from './marts-reader.ts';
import rechercheSql from './recherche.sql';
import { lireTerritoireOuPerimetre, lireTerritoiresDuNiveau } from './territoires.ts';

const communesSql = avecMembreTerritoire(communesSqlBrut);

/** The read side of the API: parameterised queries on the marts, JSON-safe results. */
export interface Queries {
  rechercher(q: string, options: { niveau: Niveau | null; limite: number }): Promise<RechercheReponse>;
  territoire(niveau: Niveau, code: string): Promise<TerritoireReponse>;
  communes(niveau: Niveau, code: string, options: CommunesOptions): Promise<CommunesReponse>;
}

export interface CommunesOptions {
  tri: 'population' | 'libelle' | 'code';
  ordre: 'asc' | 'desc';
  limite: number;
  decalage: number;
}

/** Allow-listed SQL sort keys: the only identifiers ever substituted into a query. */
const COLONNES_TRI: Readonly<Record<CommunesOptions['tri'], string>> = {
  population: 'population',
  libelle: 'libelle_recherche',
  code: 'code',
};

/** A version of a perimeter (`CLS-78-VGP.v1`): found by its code only, not by its name. */
const VERSION_PERIMETRE = /\.v[0-9]+$/;

/**
 * The CLS perimeters as the search reads them (`$cls` of recherche.sql, JSON): name, name
 * normalised for the search, context (main département, number of communes) and population, as
 * the perimeters mart gives them (lireTerritoiresDuNiveau: the same as `/api/territoires/cls/…`).
 */
async function perimetresRecherche(db: Runtime['db'], etat: EtatMarts): Promise<string> {
  const perimetres = await lireTerritoiresDuNiveau(db, etat, 'cls');
  return JSON.stringify(
    perimetres.map(({ row, parents }) => {
      const departement = parents.find((p) => p.niveau === 'departement');
      const communes = `${row.nb_communes} commune${row.nb_communes > 1 ? 's' : ''}`;
      return {
        code: row.code,
        libelle: row.libelle,
        libelle_recherche: VERSION_PERIMETRE.test(row.code) ? null : normaliserRecherche(row.libelle),
        contexte: departement ? `${departement.libelle} (${departement.code}) · ${communes}` : communes,
        population: row.population,
      };
    }),
  );
}

export function createQueries(runtime: Runtime, marts: MartsReader): Queries {
  const db = runtime.db;
  // the perimeters of the search, made once per version of the marts (a failure is not kept)
  let perimetres: { version: string; json: Promise<string> } | null = null;
  const perimetresDe = (etat: EtatMarts): Promise<string> => {
    if (perimetres?.version !== etat.version) {
      const courant = { version: etat.version, json: perimetresRecherche(db, etat) };
      perimetres = courant;
      courant.json.catch(() => {
        if (perimetres === courant) perimetres = null;
      });
    }
    return perimetres.json;
  };

  return {
    async rechercher(q, { niveau, limite }) {
      const etat = await marts.etat();
      const motif = normaliserRecherche(q);
      const rows = await db.all<{ niveau: Niveau; code: string; libelle: string; contexte: string | null; population: number | null }>(rechercheSql, {
        motif,
        code: q.trim().toUpperCase(),
        niveau: niveau ?? '',
        limite,
        // no perimeter to read when only another level is asked for
        cls: niveau === null || niveau === 'cls' ? await perimetresDe(etat) : '[]',
      });
      return { q, resultats: rows };
    },

    async territoire(niveau, code) {
      const etat = await marts.etat();
      const manifeste = etat.manifeste;
      // a CLS perimeter may be known by the indicator marts only
      const { row, parents } = await lireTerritoireOuPerimetre(db, etat, niveau, code);
      const population: Population = {
        valeur: row.population,
        statut: row.statut,
        communes: row.nb_communes,
        communesAvecValeur: row.nb_communes_avec_valeur,
        source: manifeste.population,
      };
      return { niveau: row.niveau, code: row.code, libelle: row.libelle, parents, population };
    },

    async communes(niveau, code, options) {
      const etat = await marts.etat();
      const manifeste = etat.manifeste;
      // a CLS perimeter: its communes are those of the perimeters mart
      const { row } = await lireTerritoireOuPerimetre(db, etat, niveau, code);
      const sql = communesSql.replace('{{tri}}', COLONNES_TRI[options.tri]).replace('{{ordre}}', options.ordre === 'asc' ? 'ASC' : 'DESC');
      const rows = await db.all<{ code: string; libelle: string; population: number | null; statut: StatutValeur; total: number }>(sql, {
        niveau,
        code: niveau === 'france' ? CODE_FRANCE : code,
        limite: options.limite,
        decalage: options.decalage,
      });
      return {
        territoire: { niveau: row.niveau, code: row.code, libelle: row.libelle },
        total: rows[0]?.total ?? (options.decalage > 0 ? row.nb_communes : 0),
        ...options,
        communes: rows.map(({ total: _total, ...c }) => c),
        source: manifeste.population,
      };
    },
  };
}
