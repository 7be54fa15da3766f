import type { CommunesReponse, Population, RechercheReponse, StatutValeur, TerritoireRef, TerritoireReponse } from '../model/api-types.ts';
import { CODE_FRANCE, normaliserRecherche, type Niveau } from '../model/niveaux.ts';
import type { Runtime } from '../runtime.ts';
import communesSql from './communes.sql';
import type { MartsReader } from './marts-reader.ts';
import rechercheSql from './recherche.sql';
import { lireTerritoireOuPerimetre } from './territoires.ts';

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

export function createQueries(runtime: Runtime, marts: MartsReader): Queries {
  const db = runtime.db;

  return {
    async rechercher(q, { niveau, limite }) {
      await marts.actuel();
      const motif = normaliserRecherche(q);
      const rows = await db.all<{ niveau: Niveau; code: string; libelle: string; contexte: string | null; population: number | null }>(rechercheSql, {
        motif,
        code: q.trim().toUpperCase(),
        niveau: niveau ?? '',
        limite,
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
