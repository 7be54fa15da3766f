import { SourceSchemaError } from '../../errors.ts';
import { estZip } from '../lecture/zip.ts';
import type { EntreeSource, SourceAdapter } from '../adapter.ts';
import { lettresColonne, type Cellule, type Classeur, texteCellule } from '../lecture/xlsx.ts';
import { CODE_STATUT, extraitMesuresLarges, type CleLigne, type VariableSource } from '../mesures.ts';
import { estInjectionFormule } from '../texte.ts';

/**
 * INSEE, "Estimation de population au 1er janvier, par département, sexe et âge quinquennal"
 * (`estim-pop-dep-sexe-aq-1975-2021.xlsx`): one sheet per year (`2021` … `1975`), plus notes
 * (`À savoir`). In each year sheet: row 1 title, row 2 `Année AAAA`, then a header of two rows —
 * group labels (`Départements | Ensemble | Hommes | Femmes`) and age-band labels (`0 à 4 ans` …
 * `95 ans et plus`, `Total`) — then one row per département, and subtotal rows.
 *
 * The band labels are read from the header rows, never assumed by position:
 * - the 5–9 band of the `Ensemble` group is a ditto mark `"` in 2021: it takes the label at the
 *   same place in the other groups;
 * - 1990–1998 sheets have a second header before the overseas départements, whose top band is
 *   `90 ans et plus` (no 95+): the header in force applies to the rows below it.
 * Codes are text (`01`, `2A`), overseas codes are stored as numbers (`971` → `'971'`). Subtotal
 * rows: `France métropolitaine` → level `france-metropolitaine` (code `FM`), `France
 * métropolitaine et DOM` → level `france` (code `FR`); `DOM` is **not kept** (no such level in
 * the product), but it is checked. Notes (`Source : …`, `NB : …`) end the data.
 *
 * Checks, any failure rejecting the file: Ensemble = Hommes + Femmes for every band; the bands
 * of each group add up to its `Total`; the bands partition the ages (0–4, 5–9, …, open last
 * band); France métropolitaine = Σ metropolitan départements and DOM = Σ overseas départements
 * for every sex × band; France = France métropolitaine + DOM (totals); a territory once per sheet.
 * One tolerance, because the third-party copy of the 2021 file has it: an `Ensemble` cell
 * contradicted both by Hommes + Femmes and by the `Total` of its row, while those agree with
 * each other (and with the France métropolitaine sums), is a transcription error of the copy:
 * the cell is published with statut `non_disponible` (no value), never corrected silently, and
 * at most 3 such cells are tolerated per file.
 *
 * Variable `population-estimee` (additive); `sexe` `ensemble`/`hommes`/`femmes`; `age` as printed
 * (`0-4` … `95+`, `90+` for the overseas départements in 1990–1998); the `Total` columns are
 * checked, not kept (they are the sums of the bands). Millésime = the most recent year; COG: the
 * year of the update date in `À savoir` (`Données actualisées au 29 mars 2021` → 2021), else null.
 */

const VARIABLE: VariableSource = {
  id: 'population-estimee',
  colonneSource: 'population par sexe et âge quinquennal',
  libelle: 'Population estimée au 1er janvier',
  unite: 'habitants',
  additive: true,
};
const GROUPES = { Ensemble: 'ensemble', Hommes: 'hommes', Femmes: 'femmes' } as const;
type Sexe = (typeof GROUPES)[keyof typeof GROUPES];
const SEXES: readonly Sexe[] = ['ensemble', 'hommes', 'femmes'];
const DITTO = /^["“”″〃]$/;
const RE_TITRE = /^Estimation de population au 1er janvier, par d[ée]partement, sexe et [âa]ge/i;
const RE_DEP = /^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8])$/;
const MAX_CELLULES_CORROMPUES = 3;

const classeur = (entree: EntreeSource): Classeur => entree.classeur();

const texteDe = texteCellule;
const feuillesAnnees = (c: Classeur) => c.feuilles.filter((f) => /^\d{4}$/.test(f));

/** `0 à 4 ans` → `0-4`, `95 ans et plus` → `95+`, `Total` → `total`; null when not a band label. */
export function trancheAge(libelle: string): { age: string; debut: number; fin: number | null } | 'total' | null {
  const t = libelle.replace(/\s+/g, ' ').trim();
  if (/^total$/i.test(t)) return 'total';
  let m = /^(\d{1,3}) (?:à|a) (\d{1,3}) ans$/i.exec(t);
  if (m) return { age: `${Number(m[1])}-${Number(m[2])}`, debut: Number(m[1]), fin: Number(m[2]) };
  m = /^(\d{1,3}) ans (?:et plus|ou plus)$/i.exec(t);
  if (m) return { age: `${Number(m[1])}+`, debut: Number(m[1]), fin: null };
  return null;
}

interface Entete {
  ligne: number;
  /** column → (sex, band or total) */
  colonnes: Map<number, { sexe: Sexe; age: string }>;
  ages: string[];
}

export const estimationsPopulation: SourceAdapter = {
  id: 'estimations-population',
  libelle: 'Estimations de population par département, sexe et âge quinquennal',
  provenance: {
    producteur: 'Insee',
    jeuDeDonnees: 'Estimation de population au 1er janvier, par département, sexe et âge quinquennal',
    licence: 'Licence Ouverte / Etalab 2.0',
  },
  extension: 'xlsx',
  versionSchema: 1,

  reconnaitre(entree) {
    const b = entree.bytes;
    if (!estZip(b)) return false;
    try {
      const c = classeur(entree);
      const premiere = feuillesAnnees(c)[0];
      return premiere !== undefined && RE_TITRE.test(texteDe(c.feuille(premiere).lignes[0]?.[0]));
    } catch {
      return false;
    }
  },

  lire(entree, millesimeImpose) {
    const fichier = entree.fichier;
    const c = classeur(entree);
    const annees = feuillesAnnees(c);
    if (annees.length === 0) throw new SourceSchemaError({ fichier }, `aucune feuille d’année (« 2021 », « 2020 »…) ; feuilles présentes : ${c.feuilles.map((f) => `« ${f} »`).join(', ')}`);
    const millesime = String(Math.max(...annees.map(Number)));
    if (millesimeImpose !== null && millesimeImpose !== millesime) {
      throw new SourceSchemaError({ fichier }, `millésime ${millesimeImpose} demandé, mais la feuille la plus récente du classeur est ${millesime}`);
    }
    // COG: current at publication, from the notes' update date.
    let cogSource: number | null = null;
    for (const nom of c.feuilles.filter((f) => !/^\d{4}$/.test(f))) {
      for (const r of c.feuille(nom).lignes) {
        const m = /actualis[ée]es? au (?:\d{1,2}(?:er)? \S+ )?(\d{4})/i.exec(texteDe(r[0]));
        if (m) cogSource = Number(m[1]);
      }
    }

    // Wide staging: one row per territory line, one column per (sex, band) met in the workbook;
    // the key `age` of a staging row carries its header block (`2021#4`), so that only the
    // bands of that block become rows (the 1990–1998 overseas block has 90+, no 90-94/95+).
    const cellules = new Map<string, number>(); // `sexe|age` → column index of the staging table
    const blocs: Array<{ bloc: string; k: number }> = [];
    const lues: Array<{ cle: CleLigne; valeurs: Map<number, number | null>; corrompue: number | null }> = [];
    const colonneCellule = (sexe: Sexe, age: string): number => {
      let k = cellules.get(`${sexe}|${age}`);
      if (k === undefined) {
        k = cellules.size;
        cellules.set(`${sexe}|${age}`, k);
      }
      return k;
    };
    let lignesLues = 0;
    let corrompues = 0;
    for (const nom of annees) {
      const rows = c.feuille(nom).lignes;
      const erreur = (ligne: number, col: number | undefined, colonne: string | undefined, raison: string): never => {
        throw new SourceSchemaError(
          col === undefined ? { fichier, ligne } : { fichier, ligne, numeroColonne: col + 1, colonne: colonne ?? lettresColonne(col) },
          `feuille « ${nom} » : ${raison}`,
        );
      };
      if (!RE_TITRE.test(texteDe(rows[0]?.[0]))) erreur(1, 0, 'A', `titre inattendu « ${texteDe(rows[0]?.[0]).slice(0, 60)} »`);
      const annee = /^Ann[ée]e (\d{4})$/.exec(texteDe(rows[1]?.[0]))?.[1];
      if (annee !== nom) erreur(2, 0, 'A', `« Année ${nom} » attendu, « ${texteDe(rows[1]?.[0]).slice(0, 40)} » trouvé`);

      let entete: Entete | null = null;
      let finDonnees = false;
      let lignesFeuille = 0;
      // Sums for the block checks: key `sexe|age`.
      const metro = new Map<string, number>();
      const outremer = new Map<string, number>();
      let totalFm: Map<string, number> | null = null;
      let totalDom: Map<string, number> | null = null;
      let totalFr: { ligne: number; valeurs: Map<string, number>; nomCol: (k: string) => { col: number; nom: string } } | null = null;
      const vus = new Map<string, number>();
      const ajouter = (somme: Map<string, number>, valeurs: Map<string, number>) => {
        for (const [k, v] of valeurs) somme.set(k, (somme.get(k) ?? 0) + v);
      };

      for (let i = 2; i < rows.length; i++) {
        const r = rows[i]!;
        const ligne = i + 1;
        if (r.every((x) => texteDe(x) === '')) continue;
        // A header: group labels on this row, band labels on the next one.
        if (r.some((x) => texteDe(x) === 'Ensemble') && r.some((x) => texteDe(x) === 'Hommes') && r.some((x) => texteDe(x) === 'Femmes')) {
          if (finDonnees) erreur(ligne, undefined, undefined, 'en-tête après les notes de fin de feuille');
          entete = lireEntete(r, rows[i + 1] ?? [], ligne, erreur);
          for (const { sexe, age } of entete.colonnes.values()) {
            if (age !== 'total') blocs.push({ bloc: `${nom}#${ligne}`, k: colonneCellule(sexe, age) });
          }
          i += 1;
          continue;
        }
        const premiere = r[0] ?? null;
        const libre = texteDe(premiere);
        // Notes at the end: text in the first cell, nothing else.
        if (typeof premiere === 'string' && r.slice(1).every((x) => texteDe(x) === '')) {
          if (entete !== null && lignesFeuille > 0) finDonnees = true;
          continue;
        }
        if (finDonnees) {
          // After the notes, only stray text is tolerated (a "BB" left in the 2021 sheet), no number.
          const nombre = r.findIndex((x) => typeof x === 'number');
          if (nombre !== -1) erreur(ligne, nombre, lettresColonne(nombre), `valeur numérique après les notes de fin de feuille`);
          continue;
        }
        if (libre === '' && texteDe(r[1]) === '') {
          const col = r.findIndex((x) => texteDe(x) !== '');
          erreur(ligne, col, lettresColonne(col), 'ligne sans code ni nom de territoire');
        }
        if (entete === null) erreur(ligne, 0, 'A', 'ligne de données avant l’en-tête (lignes « Ensemble / Hommes / Femmes » puis tranches d’âge)');
        const h = entete!;

        // Which territory.
        let niveau: CleLigne['niveau'] | 'dom';
        let code: string;
        let libelle: string;
        const nomNormalise = libre.replace(/\s+/g, ' ').toLowerCase();
        if (typeof premiere === 'number') {
          if (!Number.isInteger(premiere) || premiere <= 0) erreur(ligne, 0, 'A', `code département invalide ${premiere}`);
          code = String(premiere).padStart(2, '0');
          niveau = 'departement';
          libelle = texteDe(r[1]);
        } else if (nomNormalise === 'france métropolitaine') {
          [niveau, code, libelle] = ['france-metropolitaine', 'FM', libre];
        } else if (nomNormalise === 'france métropolitaine et dom' || nomNormalise === 'france') {
          [niveau, code, libelle] = ['france', 'FR', libre];
        } else if (nomNormalise === 'dom') {
          [niveau, code, libelle] = ['dom', 'DOM', libre];
        } else {
          code = libre;
          niveau = 'departement';
          libelle = texteDe(r[1]);
        }
        if (niveau === 'departement') {
          if (!RE_DEP.test(code)) erreur(ligne, 0, 'A', `code département invalide « ${code.slice(0, 20)} »`);
          if (libelle === '') erreur(ligne, 1, 'B', `nom du département « ${code} » absent`);
          if (estInjectionFormule(libelle)) erreur(ligne, 1, 'B', 'nom commençant par un caractère de formule de tableur');
        }
        const premier = vus.get(code);
        if (premier !== undefined) erreur(ligne, 0, 'A', `territoire « ${libre || code} » en double dans la feuille (déjà ligne ${premier})`);
        vus.set(code, ligne);
        lignesFeuille += 1;

        // Values of the columns the header names; no value elsewhere.
        const valeurs = new Map<string, number>();
        const colonneDe = new Map<string, number>();
        r.forEach((x, col) => {
          if (col < 2) return;
          const def = h.colonnes.get(col);
          const vide = x === null || (typeof x === 'string' && x.trim() === '');
          if (def === undefined) {
            if (!vide) erreur(ligne, col, lettresColonne(col), `valeur « ${String(x).slice(0, 20)} » dans une colonne sans tranche d’âge (en-tête ligne ${h.ligne + 1})`);
            return;
          }
          const nomColonne = `${lettresColonne(col)} (${def.sexe} ${def.age})`;
          if (vide) erreur(ligne, col, nomColonne, 'valeur absente');
          if (typeof x !== 'number') erreur(ligne, col, nomColonne, `nombre attendu, « ${String(x).slice(0, 30)} » trouvé`);
          if (!Number.isInteger(x) || (x as number) < 0) erreur(ligne, col, nomColonne, `effectif entier positif attendu, ${x} trouvé`);
          valeurs.set(`${def.sexe}|${def.age}`, x as number);
          colonneDe.set(`${def.sexe}|${def.age}`, col);
        });
        for (const [col, def] of h.colonnes) {
          if (!valeurs.has(`${def.sexe}|${def.age}`)) erreur(ligne, col, `${lettresColonne(col)} (${def.sexe} ${def.age})`, 'valeur absente');
        }
        const nomCol = (k: string) => {
          const col = colonneDe.get(k)!;
          return { col, nom: `${lettresColonne(col)} (${k.replace('|', ' ')})` };
        };

        // Ensemble = Hommes + Femmes; bands add up to Total.
        const ages = h.ages.filter((a) => a !== 'total');
        const v = (s: Sexe, a: string) => valeurs.get(`${s}|${a}`)!;
        const ecarts = ages.filter((a) => v('ensemble', a) !== v('hommes', a) + v('femmes', a));
        const avecTotal = h.ages.includes('total');
        const somme = (s: Sexe, sauf?: string) => ages.reduce((t, a) => t + (a === sauf ? 0 : v(s, a)), 0);
        let corrompue: string | null = null;
        if (ecarts.length > 0) {
          const a = ecarts[0]!;
          const attendu = v('hommes', a) + v('femmes', a);
          const isolee =
            ecarts.length === 1 &&
            avecTotal &&
            somme('hommes') === v('hommes', 'total') &&
            somme('femmes') === v('femmes', 'total') &&
            v('ensemble', 'total') === v('hommes', 'total') + v('femmes', 'total') &&
            somme('ensemble', a) + attendu === v('ensemble', 'total');
          if (!isolee || corrompues >= MAX_CELLULES_CORROMPUES) {
            const { col, nom } = nomCol(`ensemble|${a}`);
            erreur(
              ligne,
              col,
              nom,
              `Ensemble ${a} (${v('ensemble', a)}) différent de Hommes + Femmes (${v('hommes', a)} + ${v('femmes', a)} = ${attendu})` +
                (isolee ? ` : plus de ${MAX_CELLULES_CORROMPUES} cellules incohérentes dans le classeur` : ''),
            );
          }
          // Contradicted by H + F and by the Total, which agree: published as non_disponible.
          corrompues += 1;
          corrompue = a;
          valeurs.set(`ensemble|${a}`, attendu); // for the block sums only
        }
        if (avecTotal) {
          for (const s of SEXES) {
            if (somme(s) !== v(s, 'total')) {
              const { col, nom } = nomCol(`${s}|total`);
              erreur(ligne, col, nom, `la somme des tranches d’âge (${somme(s)}) diffère du Total (${v(s, 'total')})`);
            }
          }
        }

        if (niveau === 'departement') ajouter(code.startsWith('97') ? outremer : metro, valeurs);
        else if (niveau === 'france-metropolitaine') totalFm = verifierBloc(metro, valeurs, 'France métropolitaine', 'départements de métropole', ligne, nomCol, erreur);
        else if (niveau === 'dom') totalDom = verifierBloc(outremer, valeurs, 'DOM', 'départements d’outre-mer', ligne, nomCol, erreur);
        else if (niveau === 'france') totalFr = { ligne, valeurs, nomCol };
        if (niveau === 'dom') continue; // checked, not kept (nor counted as a line read)
        lignesLues += 1;

        const bloc = `${nom}#${h.ligne}`;
        const parColonne = new Map<number, number | null>();
        for (const a of ages) for (const sexe of SEXES) parColonne.set(colonneCellule(sexe, a), sexe === 'ensemble' && a === corrompue ? null : v(sexe, a));
        lues.push({
          cle: { ligne, niveau: niveau as CleLigne['niveau'], code, libelle, periode: nom, sexe: null, age: bloc },
          valeurs: parColonne,
          corrompue: corrompue === null ? null : colonneCellule('ensemble', corrompue),
        });
      }
      if (lignesFeuille === 0) erreur(3, undefined, undefined, 'aucune ligne de département');
      // France = France métropolitaine + DOM, on the totals (their bands may differ: 90+ vs 90-94, 95+).
      if (totalFr !== null) {
        const fr = totalFr as NonNullable<typeof totalFr>;
        for (const s of SEXES) {
          const attendu = ((totalFm as Map<string, number> | null)?.get(`${s}|total`) ?? 0) + ((totalDom as Map<string, number> | null)?.get(`${s}|total`) ?? 0);
          const lu = fr.valeurs.get(`${s}|total`);
          if (lu !== undefined && lu !== attendu) {
            const { col, nom } = fr.nomCol(`${s}|total`);
            erreur(fr.ligne, col, nom, `France ${s} (${lu}) différent de France métropolitaine + DOM (${attendu})`);
          }
        }
      }
    }
    const colonnes = [...cellules.keys()].map((c) => c.replace('|', ' '));
    const variables: VariableSource[] = colonnes.map((c) => ({ ...VARIABLE, colonneSource: c }));
    const lignes = lues.map((l) => ({
      cle: l.cle,
      valeurs: colonnes.map((_, k) => l.valeurs.get(k) ?? null),
      // Corrupted cell: non_disponible; a band absent from the row's block: dropped by the join.
      statuts: colonnes.map((_, k) => (k === l.corrompue ? CODE_STATUT.non_disponible : l.valeurs.has(k) ? CODE_STATUT.ok : CODE_STATUT.absent)),
    }));
    const extrait = extraitMesuresLarges({ millesime, cogSource, lignesLues, variables, lignes });
    extrait.annexes = [
      ...(extrait.annexes ?? []),
      {
        nom: 'staging_cellules',
        colonnes: [
          { nom: 'bloc', type: 'VARCHAR' },
          { nom: 'idx', type: 'INTEGER' },
          { nom: 'colonne', type: 'VARCHAR' },
          { nom: 'sexe', type: 'VARCHAR' },
          { nom: 'age', type: 'VARCHAR' },
        ],
        lignes: blocs.map(({ bloc, k }) => [bloc, k, colonnes[k]!, colonnes[k]!.split(' ')[0]!, colonnes[k]!.split(' ')[1]!]),
      },
    ];
    extrait.normalisationSql = `SELECT
    r.* REPLACE (c.sexe AS sexe, c.age AS age)
FROM (${extrait.normalisationSql}) AS r
-- the (sex, band) cells of the row's header block, with their sex and band
JOIN staging_cellules AS c ON c.bloc = r.age AND c.colonne = r.colonne_source
ORDER BY
    r.periode DESC,
    r.ligne_source,
    c.idx`;
    // One variable in the manifest; the staging annex keeps one entry per (sex, band) column.
    extrait.variables = [VARIABLE];
    return extrait;
  },
};

/** Reads the two header rows: groups (Ensemble, Hommes, Femmes) and their band labels. */
function lireEntete(
  groupes: Cellule[],
  tranches: Cellule[],
  ligne: number,
  erreur: (ligne: number, col: number | undefined, colonne: string | undefined, raison: string) => never,
): Entete {
  const debuts: Array<{ col: number; sexe: Sexe }> = [];
  groupes.forEach((x, col) => {
    const s = GROUPES[texteDe(x) as keyof typeof GROUPES];
    if (s !== undefined) debuts.push({ col, sexe: s });
  });
  const largeur = Math.max(groupes.length, tranches.length);
  // Labels per group, in order; a ditto mark is resolved after.
  const parGroupe = debuts.map((d, k) => {
    const fin = k + 1 < debuts.length ? debuts[k + 1]!.col : largeur;
    const libelles: Array<{ col: number; libelle: string }> = [];
    for (let col = d.col; col < fin; col++) libelles.push({ col, libelle: texteDe(tranches[col]) });
    return { ...d, libelles };
  });
  const colonnes = new Map<number, { sexe: Sexe; age: string }>();
  let reference: string[] | null = null;
  for (const g of parGroupe) {
    const ages: string[] = [];
    const bornes: Array<{ debut: number; fin: number | null }> = [];
    g.libelles.forEach(({ col, libelle }, position) => {
      let texte = libelle;
      if (DITTO.test(texte)) {
        // "Same as the other groups at this place".
        const autres = parGroupe.filter((o) => o !== g).map((o) => o.libelles[position]?.libelle ?? '').filter((l) => l !== '' && !DITTO.test(l));
        if (autres.length === 0 || autres.some((l) => l !== autres[0])) erreur(ligne + 1, col, lettresColonne(col), 'marque de répétition « " » sans libellé correspondant dans les autres groupes');
        texte = autres[0]!;
      }
      if (texte === '') return; // no band here (e.g. no 95+ for the overseas départements in 1990–1998)
      const t = trancheAge(texte);
      if (t === null) erreur(ligne + 1, col, lettresColonne(col), `libellé de tranche d’âge inconnu « ${texte.slice(0, 30)} »`);
      const age = t === 'total' ? 'total' : (t as { age: string }).age;
      if (ages.includes(age)) erreur(ligne + 1, col, lettresColonne(col), `tranche « ${texte} » en double dans le groupe ${g.sexe}`);
      if (t !== 'total') bornes.push(t!);
      ages.push(age);
      colonnes.set(col, { sexe: g.sexe, age });
    });
    // The bands partition the ages: 0–4, 5–9, …, an open last band.
    let attendu = 0;
    bornes.forEach((b, k) => {
      if (b.debut !== attendu || (b.fin === null && k !== bornes.length - 1)) erreur(ligne + 1, g.col, lettresColonne(g.col), `tranches d’âge du groupe ${g.sexe} non contiguës (${ages.join(', ')})`);
      attendu = (b.fin ?? 0) + 1;
    });
    if (bornes.length === 0 || bornes[bornes.length - 1]!.fin !== null) erreur(ligne + 1, g.col, lettresColonne(g.col), `la dernière tranche d’âge du groupe ${g.sexe} doit être ouverte (« … ans et plus »)`);
    if (reference !== null && reference.join() !== ages.join()) erreur(ligne + 1, g.col, lettresColonne(g.col), `tranches d’âge du groupe ${g.sexe} différentes de celles du groupe ensemble`);
    reference ??= ages;
  }
  if (parGroupe.length !== 3 || new Set(parGroupe.map((g) => g.sexe)).size !== 3) erreur(ligne, undefined, undefined, 'groupes « Ensemble », « Hommes », « Femmes » attendus une fois chacun');
  return { ligne, colonnes, ages: reference! };
}

/** A subtotal row against the sum of the rows it covers (every sex × band it shares with them). */
function verifierBloc(
  somme: Map<string, number>,
  valeurs: Map<string, number>,
  nom: string,
  quoi: string,
  ligne: number,
  nomCol: (k: string) => { col: number; nom: string },
  erreur: (ligne: number, col: number | undefined, colonne: string | undefined, raison: string) => never,
): Map<string, number> {
  for (const [k, lu] of valeurs) {
    const attendu = somme.get(k);
    if (attendu !== undefined && attendu !== lu) {
      const { col, nom: colonne } = nomCol(k);
      erreur(ligne, col, colonne, `${nom} (${lu}) différent de la somme des ${quoi} (${attendu})`);
    }
  }
  return valeurs;
}
