/**
 * Passage of commune codes from a source COG millésime to the current COG (2026) through INSEE's
 * mouvements des communes. "COG of year N" is the state at 1 January N, so the events applied are
 * those dated strictly after 1 January of the source year and up to 1 January of the target year.
 *
 * Events are applied date by date, in chronological order, each date's mapping applied at once:
 * codes are reused over time (60054 was Les Hauts-Talican until 2023, then Beaumont-les-Nonains),
 * so a code means what it meant at its date. Only `COM → COM` lines count: the lines that keep a
 * former commune as a commune déléguée (`COMD`) or associée (`COMA`) are not population moves.
 */

export interface Mouvement {
  mod: number;
  dateEffet: string; // ISO yyyy-mm-dd
  typeAvant: string;
  codeAvant: string;
  typeApres: string;
  codeApres: string;
}

/** Merger and code-change events: the population of `codeAvant` now belongs to `codeApres`. */
const MODS_FUSION = new Set([31, 32, 33, 34, 41, 50]);
/** Rétablissement: a commune nouvelle split back; counts cannot be split by summation. */
const MOD_RETABLISSEMENT = 21;

export type StatutPassage = 'identique' | 'transfere' | 'scinde';

export interface ResultatPassage {
  codeSource: string;
  /** The code in the target COG; null when the commune was split (rétablissement). */
  codeCible: string | null;
  statut: StatutPassage;
  /** The events applied, for the ingest report. */
  etapes: Array<{ date: string; mod: number; de: string; vers: string }>;
}

export function passerAuCogCourant(
  codes: Iterable<string>,
  mouvements: readonly Mouvement[],
  cogSource: number,
  cogCible: number,
): Map<string, ResultatPassage> {
  const debut = `${cogSource}-01-01`;
  const fin = `${cogCible}-01-01`;
  // Group the relevant events by date, chronologically.
  const parDate = new Map<string, { fusions: Map<string, { vers: string; mod: number }>; scissions: Set<string> }>();
  for (const m of mouvements) {
    if (m.dateEffet <= debut || m.dateEffet > fin) continue;
    let jour = parDate.get(m.dateEffet);
    if (!jour) {
      jour = { fusions: new Map(), scissions: new Set() };
      parDate.set(m.dateEffet, jour);
    }
    if (m.mod === MOD_RETABLISSEMENT && m.typeAvant === 'COM') {
      jour.scissions.add(m.codeAvant);
    } else if (MODS_FUSION.has(m.mod) && m.typeAvant === 'COM' && m.typeApres === 'COM' && m.codeAvant !== m.codeApres) {
      jour.fusions.set(m.codeAvant, { vers: m.codeApres, mod: m.mod });
    }
  }
  const dates = [...parDate.keys()].sort();
  // Codes touched by any event of the window: every other code is unchanged (almost all).
  const concernes = new Set<string>();
  for (const jour of parDate.values()) {
    for (const c of jour.fusions.keys()) concernes.add(c);
    for (const c of jour.scissions) concernes.add(c);
  }

  const out = new Map<string, ResultatPassage>();
  for (const codeSource of codes) {
    if (!concernes.has(codeSource)) {
      out.set(codeSource, { codeSource, codeCible: codeSource, statut: 'identique', etapes: [] });
      continue;
    }
    let code: string | null = codeSource;
    let statut: StatutPassage = 'identique';
    const etapes: ResultatPassage['etapes'] = [];
    for (const date of dates) {
      if (code === null) break;
      const jour = parDate.get(date)!;
      // Events of one date can chain (Pont-Farcy, 2018-01-01: 14513 → 50649 by a change of
      // département, then 50649 → 50592 by a merger): follow them, never in a cycle.
      const vus = new Set<string>();
      while (code !== null && !vus.has(code)) {
        vus.add(code);
        if (jour.scissions.has(code)) {
          etapes.push({ date, mod: MOD_RETABLISSEMENT, de: code, vers: '' });
          code = null;
          statut = 'scinde';
          break;
        }
        const f = jour.fusions.get(code);
        if (!f) break;
        etapes.push({ date, mod: f.mod, de: code, vers: f.vers });
        code = f.vers;
        statut = 'transfere';
      }
    }
    out.set(codeSource, { codeSource, codeCible: code, statut, etapes });
  }
  return out;
}

/**
 * For each current commune, the codes that existed at the source date and merged into it since
 * (itself included when it existed then). A code "existed" when its first appearance in the
 * window's events is as the commune before an event (not as a code created by one).
 */
export function contributeursAttendus(mouvements: readonly Mouvement[], cogSource: number, cogCible: number): Map<string, string[]> {
  const debut = `${cogSource}-01-01`;
  const fin = `${cogCible}-01-01`;
  const fenetre = mouvements
    .filter((m) => m.dateEffet > debut && m.dateEffet <= fin && m.typeAvant === 'COM' && m.codeAvant !== '')
    .sort((a, b) => (a.dateEffet < b.dateEffet ? -1 : a.dateEffet > b.dateEffet ? 1 : 0));
  const vus = new Set<string>();
  const existants = new Set<string>();
  for (const m of fenetre) {
    if (!vus.has(m.codeAvant)) existants.add(m.codeAvant);
    vus.add(m.codeAvant);
    if (m.typeApres === 'COM' && m.codeApres !== m.codeAvant) vus.add(m.codeApres);
  }
  const passage = passerAuCogCourant(existants, mouvements, cogSource, cogCible);
  const parCible = new Map<string, string[]>();
  for (const r of passage.values()) {
    if (r.codeCible === null) continue;
    const liste = parCible.get(r.codeCible) ?? [];
    liste.push(r.codeSource);
    parCible.set(r.codeCible, liste);
  }
  for (const liste of parCible.values()) liste.sort();
  return parCible;
}

/**
 * The current communes each split commune (rétablissement) became: the communes the split line
 * names (`COM`; a former commune déléguée or associée named instead is replaced by its commune
 * through `communeDe`), each then followed through the later events to the target COG. A split
 * commune's counts cannot be divided among them, but they belong whole to every territory that
 * holds all of them (the EPCI of Essarts-en-Bocage's three successors). A code split on several
 * dates, or whose successors cannot all be followed, is left out: its counts stay with its
 * département only.
 */
export function successeursDesScissions(mouvements: readonly Mouvement[], cogCible: number, communeDe: (code: string) => string | undefined): Map<string, string[]> {
  const fin = `${cogCible}-01-01`;
  const parCode = new Map<string, { date: string; codes: Set<string>; suivables: boolean }>();
  const dates = new Map<string, Set<string>>();
  for (const m of mouvements) {
    if (m.mod !== MOD_RETABLISSEMENT || m.typeAvant !== 'COM' || m.dateEffet > fin) continue;
    (dates.get(m.codeAvant) ?? dates.set(m.codeAvant, new Set()).get(m.codeAvant)!).add(m.dateEffet);
    const e = parCode.get(m.codeAvant) ?? { date: m.dateEffet, codes: new Set<string>(), suivables: true };
    const commune = m.typeApres === 'COM' ? m.codeApres : communeDe(m.codeApres);
    if (commune === undefined) e.suivables = false;
    else e.codes.add(commune);
    parCode.set(m.codeAvant, e);
  }
  const out = new Map<string, string[]>();
  for (const [code, e] of parCode) {
    if (!e.suivables || dates.get(code)!.size > 1) continue;
    // the events after the split only (passerAuCogCourant applies those after 1 January of the
    // year given: the day before the split's year, filtered to the split's later events)
    const apres = mouvements.filter((m) => m.dateEffet > e.date);
    const suivis = passerAuCogCourant(e.codes, apres, Number(e.date.slice(0, 4)) - 1, cogCible);
    const cibles = [...suivis.values()].map((r) => r.codeCible);
    if (cibles.some((c) => c === null)) continue;
    out.set(code, [...new Set(cibles as string[])].sort());
  }
  return out;
}
