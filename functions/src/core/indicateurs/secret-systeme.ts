import type { Session } from '../duckdb/duckdb.ts';
import { CERTIFICAT_MODULO, certificats, inconnuesDeterminees, inconnuesEncadrees } from '../stats/secret-systeme.ts';

/**
 * Secrecy of health counts checked on everything published together (methods.md §9, ADR 0013
 * revision 3). The local rules (secret-secondaire.sql) see one territory, one pair of nested
 * territories or one derived part at a time; an attacker combines them all: a straddling EPCI
 * minus the other département's remainder, several départements against every EPCI touching
 * them… Here, per indicator and period, the published totals over the masked counts form a
 * linear system (stats/secret-systeme.ts); a masked count from 1 to seuil − 1 that the system
 * determines exactly, or that a single total (with what the system determines taken off) shows to
 * be under the threshold, is protected by one more mask, and the system is checked again, until
 * none is.
 *
 * The unknowns: the masked commune counts (at least 1: 0 is shown); per département the counts
 * no commune row shows but its total holds (département bricks, codes outside the COG: at least
 * 0); and each split commune's counts, in every total holding all its successors (scindees.sql).
 * The equations: every total above the commune that is published (not masked).
 *
 * The mask chosen for a recoverable count c is one that provably frees it (stats/secret-systeme.ts,
 * `certificats`): a commune u such that every combination of totals giving c back would give c
 * plus a multiple of u — the certificate's coefficients over u's totals do not sum to 0, and
 * u's mask breaks no dependency among the totals (France minus its régions…). Among those, the
 * commune sharing the smallest published territory with c (the same EPCI first), then the
 * smallest non-zero count, then the lowest code (as the local rules). If no commune qualifies
 * (an EPCI straddling a border whose chain of départements ends without a loop), the smallest
 * total every certificate uses is masked. A count a total bounds under the threshold (two masked
 * communes adding up to 3: each is 1 or 2) is freed by an unmasked commune of that territory (11
 * or more, it lifts the bound to 12 or more). A mask never makes a free count determined again (it
 * adds an unknown or drops an equation), so each round frees all the counts it treats; the next
 * round checks what is left.
 */

/** A mask to add: a commune or a territory total. */
export interface MasqueSysteme {
  indicateur: string;
  periode: string;
  niveau: string;
  code: string;
}

type Ligne = {
  indicateur: string;
  periode: string;
  niveau: string;
  code: string;
  masque: boolean;
  n: number;
};

/**
 * The totals to mask first when a total must be: a CLS or an EPCI before a département (a
 * département is the reference of every territory in it), a région, France last.
 */
const NIVEAUX_MASQUABLES = ['cls', 'epci', 'departement', 'region', 'france'];

/** At most this many rounds of masks; each round masks at least one more cell. */
const TOURS_MAX = 200;

/**
 * The masks that close every exact recovery of a health count, for the health indicators of
 * `resultats` (the current batch). Needs `resultats`, `defs`, `briques`, `appartenance`,
 * `appartenance_dep`, `appartenance_scindees`. Throws if the published totals do not add up to their parts as modelled
 * (the check would then be unsound).
 */
export async function masquesSysteme(s: Session): Promise<MasqueSysteme[]> {
  const lignes = await s.all<Ligne & { seuil: number }>(`
    SELECT r.indicateur, r.periode, r.niveau, r.code, r.statut LIKE 'masque%' AS masque, r.numerateur_brut AS n, d.seuil
    FROM resultats AS r
    JOIN defs AS d USING (indicateur)
    WHERE d.secret = 'sante' AND r.numerateur_brut IS NOT NULL
    ORDER BY r.indicateur, r.periode, r.niveau, r.code`);
  if (lignes.length === 0) return [];
  // counts no commune row shows (summed as agregation.sql does): a département's bricks and codes
  // outside the COG, one unknown per département; a split commune's, one unknown each
  const restes = await s.all<{ indicateur: string; periode: string; cle: string; n: number }>(`
    SELECT
        b.indicateur,
        b.periode,
        CASE WHEN b.code IN (SELECT cle FROM appartenance_scindees) THEN b.code ELSE 'departement/' || b.code_departement END AS cle,
        sum(b.numerateur) AS n
    FROM briques AS b
    JOIN defs AS d USING (indicateur)
    WHERE d.secret = 'sante' AND NOT b.publie AND b.statut IN ('ok', 'partiel')
        AND b.numerateur IS NOT NULL AND b.denominateur IS NOT NULL
        AND (b.niveau = 'departement' OR (b.niveau = 'commune' AND (b.code IS NULL OR b.code LIKE '?%')))
    GROUP BY ALL`);
  const membres = new Map<string, string[]>();
  for (const a of await s.all<{ cle: string; communes: string[] }>(
    `SELECT niveau || '/' || code AS cle, list(code_commune ORDER BY code_commune) AS communes FROM appartenance WHERE niveau <> 'commune' GROUP BY ALL`,
  )) {
    membres.set(a.cle, a.communes);
  }
  // the totals each of those unknowns is in
  const horsCommunes = new Map<string, string[]>();
  for (const a of await s.all<{ territoire: string; cle: string }>(`
    SELECT niveau || '/' || code AS territoire, 'departement/' || code_departement AS cle FROM appartenance_dep
    UNION ALL
    SELECT niveau || '/' || code, cle FROM appartenance_scindees
    ORDER BY ALL`)) {
    const l = horsCommunes.get(a.territoire);
    if (l) l.push(a.cle);
    else horsCommunes.set(a.territoire, [a.cle]);
  }
  const masques: MasqueSysteme[] = [];
  const groupes = new Map<string, { seuil: number; lignes: Ligne[]; restes: Map<string, number> }>();
  for (const l of lignes) {
    const cle = `${l.indicateur}\u0000${l.periode}`;
    const g = groupes.get(cle) ?? { seuil: l.seuil, lignes: [] as Ligne[], restes: new Map<string, number>() };
    g.lignes.push(l);
    groupes.set(cle, g);
  }
  for (const r of restes) groupes.get(`${r.indicateur}\u0000${r.periode}`)?.restes.set(r.cle, r.n);
  for (const g of groupes.values()) masques.push(...protegerGroupe(g.lignes, g.restes, g.seuil, membres, horsCommunes));
  return masques;
}

/** One indicator and period: rounds of check and masks until no count below `seuil` is recoverable. */
function protegerGroupe(
  lignes: readonly Ligne[],
  restes: ReadonlyMap<string, number>,
  seuil: number,
  membres: ReadonlyMap<string, readonly string[]>,
  horsCommunes: ReadonlyMap<string, readonly string[]>,
): MasqueSysteme[] {
  const { indicateur, periode } = lignes[0]!;
  const communes = new Map<string, Ligne>();
  const totaux: Ligne[] = [];
  for (const l of lignes) (l.niveau === 'commune' ? communes.set(l.code, { ...l }) : totaux.push({ ...l }));
  // the model must give every published total back from its parts, or the check proves nothing
  for (const t of totaux) {
    const cle = `${t.niveau}/${t.code}`;
    let somme = 0;
    for (const c of membres.get(cle) ?? []) somme += communes.get(c)?.n ?? 0;
    for (const d of horsCommunes.get(cle) ?? []) somme += restes.get(d) ?? 0;
    if (Math.abs(somme - t.n) > 1e-6 * Math.max(1, Math.abs(t.n))) {
      throw new Error(`Secret statistique : le total de ${indicateur} ${periode} pour ${cle} (${t.n}) n’est pas la somme de ses parties (${somme}) ; vérification globale impossible`);
    }
  }
  // the smallest territory first when a total is to be chosen
  totaux.sort((a, b) => (membres.get(`${a.niveau}/${a.code}`)?.length ?? 0) - (membres.get(`${b.niveau}/${b.code}`)?.length ?? 0) || a.niveau.localeCompare(b.niveau) || a.code.localeCompare(b.code));
  const ajouts: MasqueSysteme[] = [];
  for (let tour = 0; ; tour++) {
    if (tour >= TOURS_MAX) throw new Error(`Secret statistique : ${indicateur} ${periode} encore retrouvable après ${TOURS_MAX} tours de masques`);
    // unknowns: masked communes, then the counts no commune row shows (départements, split communes)
    const inconnues: string[] = [];
    const indice = new Map<string, number>();
    const bornes: number[] = [];
    const valeurs: number[] = [];
    for (const c of communes.values()) {
      if (!c.masque) continue;
      indice.set(`commune/${c.code}`, inconnues.length);
      inconnues.push(`commune/${c.code}`);
      bornes.push(1);
      valeurs.push(c.n);
    }
    for (const [d, n] of restes) {
      indice.set(`reste/${d}`, inconnues.length);
      inconnues.push(`reste/${d}`);
      bornes.push(0);
      valeurs.push(n);
    }
    const publies = totaux.filter((t) => !t.masque);
    const equations = publies.map((t) => {
      const cle = `${t.niveau}/${t.code}`;
      const e: number[] = [];
      for (const c of membres.get(cle) ?? []) {
        const j = indice.get(`commune/${c}`);
        if (j !== undefined) e.push(j);
      }
      for (const d of horsCommunes.get(cle) ?? []) {
        const j = indice.get(`reste/${d}`);
        if (j !== undefined) e.push(j);
      }
      return e;
    });
    const systeme = { inconnues: inconnues.length, equations };
    const lineaires = inconnuesDeterminees(systeme);
    const secondsMembres = equations.map((e) => e.reduce((s, j) => s + valeurs[j]!, 0));
    // no single total may show a masked count to be under the threshold: each keeps every value
    // from its lower bound (1) up to at least the threshold (11) possible — the protection interval
    // of the frequency rule. Two masked communes whose EPCI total leaves them 3 are each 1 or 2: nearly
    // disclosed (fifth audit, CC Briance-Combade); left 12, each is still 1 to 11.
    const bornees = inconnuesEncadrees(systeme, secondsMembres, bornes, { determinees: lineaires, valeurs, valeursMin: seuil });
    const secrete = (j: number) => valeurs[j]! > 0 && valeurs[j]! < seuil;
    const retrouvees = inconnues.flatMap((_, j) => ((lineaires[j] || bornees[j] !== null) && secrete(j) ? [j] : []));
    // masked communes in exactly the same published totals: the system sees only their sum, and a
    // determined sum S of k counts (each at least 1) leaves each at most S − k + 1 (two communes of
    // the Val-d'Oise part of an EPCI straddling two départements, summing to 6: each 1 to 5)
    const parSignature = new Map<string, number[]>();
    const dansEquations: number[][] = inconnues.map(() => []);
    for (const [i, e] of equations.entries()) for (const j of e) dansEquations[j]!.push(i);
    for (const [j, inconnue] of inconnues.entries()) {
      if (!inconnue.startsWith('commune/') || lineaires[j] || dansEquations[j]!.length === 0) continue;
      const cle = dansEquations[j]!.join(',');
      const g = parSignature.get(cle);
      if (g) g.push(j);
      else parSignature.set(cle, [j]);
    }
    const groupes = [...parSignature.values()].filter((g) => g.length > 1 && g.some(secrete));
    if (retrouvees.length === 0 && groupes.length === 0) return ajouts;
    // certificates of the counts recovered linearly, and of the determined counts a pinning total
    // had taken off (the pinning combination is that total minus their certificates)
    const aProuver = new Set(retrouvees.filter((j) => lineaires[j]));
    for (const j of retrouvees) if (!lineaires[j]) for (const k of equations[bornees[j]!]!) if (lineaires[k]) aProuver.add(k);
    const { certificats: preuves, sommes, dependances } = certificats(systeme, [...aProuver], groupes);
    const preuveDe = new Map<number, Map<number, number>>();
    for (const j of retrouvees) if (lineaires[j] && preuves.get(j)) preuveDe.set(j, preuves.get(j)!);
    for (const [g, groupe] of groupes.entries()) {
      const y = sommes[g];
      if (!y || groupe.reduce((x, j) => x + valeurs[j]!, 0) - groupe.length + 1 >= seuil) continue;
      // one of the group stands for it (a mask that lifts their sum frees them all)
      const j = groupe.find(secrete)!;
      if (retrouvees.includes(j)) continue;
      retrouvees.push(j);
      preuveDe.set(j, y);
    }
    if (retrouvees.length === 0) return ajouts;
    /** The pinning combination of a count held at its bounds: its total minus the determined counts' certificates. */
    const epingle = (j: number) => {
      const i = bornees[j]!;
      const y = new Map([[i, 1]]);
      for (const k of equations[i]!) {
        if (!lineaires[k]) continue;
        for (const [t, a] of preuves.get(k) ?? []) y.set(t, ((y.get(t) ?? 0) - a + CERTIFICAT_MODULO) % CERTIFICAT_MODULO);
      }
      return y;
    };

    // published territories of each commune (indices into publies, smallest territory first)
    const territoires = new Map<string, number[]>();
    for (const [i, t] of publies.entries()) {
      for (const c of membres.get(`${t.niveau}/${t.code}`) ?? []) {
        const l = territoires.get(c);
        if (l) l.push(i);
        else territoires.set(c, [i]);
      }
    }
    // communes whose mask would break a dependency among the totals (and so free nothing)
    const rompent = new Set<string>();
    for (const w of dependances) {
      const sommes = new Map<string, number>();
      for (const [i, a] of w) for (const c of membres.get(`${publies[i]!.niveau}/${publies[i]!.code}`) ?? []) sommes.set(c, ((sommes.get(c) ?? 0) + a) % CERTIFICAT_MODULO);
      for (const [c, x] of sommes) if (x !== 0) rompent.add(c);
    }
    const dansUneDependance = new Set(dependances.flatMap((w) => [...w].flatMap(([i, a]) => (a !== 0 ? [i] : []))));
    const touches = new Set<number>();
    for (const j of retrouvees) {
      // the published totals holding it, smallest first (publies is sorted so)
      const siens = dansEquations[j]!;
      // a mask added this round in its smallest total may have freed it: check again first
      if (siens.length > 0 && touches.has(siens[0]!)) continue;
      const preuve = preuveDe.get(j) ?? null;
      // what gives it back: the certificate, or the combination that pins it to its bounds (a
      // commune of it, once masked, raises what the pinned counts add up to)
      const coefficients = preuve ?? (bornees[j] !== null ? epingle(j) : new Map(siens.slice(0, 1).map((i) => [i, 1])));
      const rang = new Map(siens.map((i, k) => [i, k]));
      // communes whose mask frees it
      // (the sum of the coefficients over each commune's totals: only communes of the totals the
      // combination uses can have one that is not 0)
      const sommes = new Map<string, number>();
      for (const [i, a] of coefficients) {
        if (a === 0) continue;
        for (const c of membres.get(`${publies[i]!.niveau}/${publies[i]!.code}`) ?? []) sommes.set(c, ((sommes.get(c) ?? 0) + a) % CERTIFICAT_MODULO);
      }
      let libere: { ligne: Ligne; rang: number } | undefined;
      for (const [code, somme] of sommes) {
        const c = communes.get(code);
        if (somme === 0 || !c || c.masque || !(c.n > 0) || (preuve && rompent.has(code))) continue;
        let proche = Infinity;
        for (const i of territoires.get(code) ?? []) proche = Math.min(proche, rang.get(i) ?? Infinity);
        if (!libere || proche < libere.rang || (proche === libere.rang && (c.n < libere.ligne.n || (c.n === libere.ligne.n && c.code < libere.ligne.code)))) libere = { ligne: c, rang: proche };
      }
      // else a total every certificate uses (in no dependency): a CLS or an EPCI before a
      // département, the nearest to c first (its own EPCI…); else, when c comes back by several
      // routes (no single mask frees it), the smallest total of the certificate, of the least used
      // level: one route less, the next round goes on
      const appui = [...coefficients].flatMap(([i, a]) => (a !== 0 ? [i] : []));
      const total = appui
        .filter((i) => !(preuve && dansUneDependance.has(i)))
        .sort((a, b) => NIVEAUX_MASQUABLES.indexOf(publies[a]!.niveau) - NIVEAUX_MASQUABLES.indexOf(publies[b]!.niveau) || (rang.get(a) ?? Infinity) - (rang.get(b) ?? Infinity) || a - b)[0];
      const route = appui.sort((a, b) => NIVEAUX_MASQUABLES.indexOf(publies[a]!.niveau) - NIVEAUX_MASQUABLES.indexOf(publies[b]!.niveau) || a - b)[0];
      const masque = libere?.ligne ?? publies[total ?? route ?? -1];
      if (!masque) throw new Error(`Secret statistique : ${indicateur} ${periode} ${inconnues[j]} retrouvable et rien à masquer`);
      if (siens.length > 0) touches.add(siens[0]!);
      // (a total chosen for two counts of this round is masked once)
      if (masque.masque) continue;
      masque.masque = true;
      ajouts.push({ indicateur, periode, niveau: masque.niveau, code: masque.code });
    }
  }
}
