import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceSchemaError } from '../../functions/src/core/errors.ts';
import { entreeSource, type ExtraitLu, type SourceAdapter } from '../../functions/src/core/sources/adapter.ts';
import { cepidcLong } from '../../functions/src/core/sources/cepidc-long/adapter.ts';
import { filosofiCc } from '../../functions/src/core/sources/filosofi-cc/adapter.ts';
import { filosofiDisp } from '../../functions/src/core/sources/filosofi-disp/adapter.ts';
import { geoclip } from '../../functions/src/core/sources/geoclip/adapter.ts';
import { normaliserCodeDepartement, slugAscii } from '../../functions/src/core/sources/geoclip/identifiants.ts';
import { ADAPTATEURS_MESURES } from '../../functions/src/core/sources/groupe-mesures.ts';
import { STATUTS } from '../../functions/src/core/sources/mesures.ts';
import { observatoireLong } from '../../functions/src/core/sources/observatoire-long/adapter.ts';
import { ADAPTATEURS } from '../../functions/src/core/sources/registry.ts';
import { DATA } from '../helpers/chemins.ts';

// The four measure adapters on the real extracts of data/, checked against an independent read of
// the raw files (lines split here, not by the adapters).

const FILO = 'insee/filosofi';
const ATTENDUS: Record<string, string[]> = {
  'filosofi-cc': [`${FILO}/cc_filosofi_2019_COM.CSV`, `${FILO}/cc_filosofi_2020_COM.csv`, `${FILO}/cc_filosofi_2021_COM.csv`],
  geoclip: ['insee/statistiques-locales/esperance_de_vie_departement.csv', 'cartosante/zonage-raw.csv'],
  'observatoire-long': ['observatoire-territoires/insee_rp_evol_1968_region_2018.csv'],
  'cepidc-long': ['cepidc/toutes_causes.csv', 'cepidc/mortalite_2023_standardise_all.csv'],
  // the empty template is recognised too (then refused: no data line)
  'ors-indicateurs': ['ors/exemple-deces-par-age-SYNTHETIQUE.csv', 'ors/exemple-taux-standardises-cepidc.csv', 'ors/modele-indicateurs-ors.csv'],
};

const octets = (relatif: string) => new Uint8Array(readFileSync(path.join(DATA, relatif)));
const entree = (relatif: string) => entreeSource(path.basename(relatif), octets(relatif));
const lire = (adapter: SourceAdapter, relatif: string, millesime: string | null = null) => adapter.lire(entree(relatif), millesime);
const enc = (s: string) => new TextEncoder().encode(s);
/** Independent read: the raw lines of a file (BOM and CR removed). */
const lignesBrutes = (relatif: string) => readFileSync(path.join(DATA, relatif), 'utf-8').replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));

/** Every extract of data/ (all files but docs and the catalogue), as `npm start` lists them. */
function extraitsDeData(): string[] {
  return (readdirSync(DATA, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath: string }>)
    .filter((e) => e.isFile() && !/\.(md|json)$/i.test(e.name) && !e.name.startsWith('.'))
    .map((e) => path.relative(DATA, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

interface Valeur {
  ligne: number;
  niveau: string;
  code: string;
  libelle: string | null;
  periode: string;
  sexe: string | null;
  variable: string;
  valeur: number | null;
  statut: string;
  modalite: string | null;
}

/**
 * The staging rows of an extract unfolded into one record per value, whatever the staging shape:
 * wide (`extraitMesuresLarges`: v0, s0…), long (`extraitMesuresLongues`: i, v, s, t) or wide per
 * column (Géoclip: v0, s0, t0… with the variable and period of each column in `staging_colonnes`).
 */
function deplier(x: ExtraitLu): Valeur[] {
  const noms = x.colonnes.map((c) => c.nom);
  const at = (r: ReadonlyArray<unknown>, nom: string) => r[noms.indexOf(nom)] as never;
  const base = (r: ReadonlyArray<unknown>) => ({ ligne: at(r, 'ligne'), niveau: at(r, 'niveau'), code: at(r, 'code'), libelle: at(r, 'libelle'), sexe: at(r, 'sexe') });
  const out: Valeur[] = [];
  const parColonne = x.annexes?.find((a) => a.nom === 'staging_colonnes');
  for (const r of x.lignes) {
    if (noms.includes('i')) {
      out.push({ ...base(r), periode: at(r, 'periode'), variable: x.variables![at(r, 'i') as number]!.id, valeur: at(r, 'v'), statut: STATUTS[at(r, 's') as number]!, modalite: at(r, 't') });
    } else if (parColonne) {
      parColonne.lignes.forEach(([i, variable, , periode]) => {
        out.push({ ...base(r), periode: periode as string, variable: variable as string, valeur: at(r, `v${i}`), statut: STATUTS[at(r, `s${i}`) as number]!, modalite: at(r, `t${i}`) });
      });
    } else {
      x.variables!.forEach((v, i) => out.push({ ...base(r), periode: at(r, 'periode'), variable: v.id, valeur: at(r, `v${i}`), statut: STATUTS[at(r, `s${i}`) as number]!, modalite: null }));
    }
  }
  return out;
}

const cache = new WeakMap<ExtraitLu, { toutes: Valeur[]; parCode: Map<string, Valeur[]> }>();
function longues(x: ExtraitLu, filtre: { code?: string; variable?: string; periode?: string; sexe?: string }): Valeur[] {
  if (!cache.has(x)) {
    const toutes = deplier(x);
    const parCode = new Map<string, Valeur[]>();
    for (const v of toutes) {
      const l = parCode.get(v.code);
      if (l) l.push(v);
      else parCode.set(v.code, [v]);
    }
    cache.set(x, { toutes, parCode });
  }
  const { toutes, parCode } = cache.get(x)!;
  return (filtre.code === undefined ? toutes : (parCode.get(filtre.code) ?? [])).filter(
    (r) =>
      (filtre.variable === undefined || r.variable === filtre.variable) &&
      (filtre.periode === undefined || r.periode === filtre.periode) &&
      (filtre.sexe === undefined || r.sexe === filtre.sexe),
  );
}

/** Value and statut of one variable for one code (single-period extracts). */
function cellule(x: ExtraitLu, code: string, variable: string): { valeur: number | null; statut: string } {
  const [r, ...autres] = longues(x, { code, variable });
  expect(autres).toEqual([]);
  return { valeur: r!.valeur, statut: r!.statut };
}

describe('detection by content', () => {
  const tous = extraitsDeData();

  it('the measure adapters are registered', () => {
    expect(ADAPTATEURS_MESURES.map((a) => a.id)).toEqual(['filosofi-cc', 'geoclip', 'observatoire-long', 'cepidc-long', 'ors-indicateurs']);
    for (const a of ADAPTATEURS_MESURES) expect(ADAPTATEURS).toContain(a);
  });

  it.each(ADAPTATEURS_MESURES.map((a) => [a.id, a] as const))('%s recognises its real files and no other file of data/', (id, adapter) => {
    for (const f of ATTENDUS[id]!) expect(tous, `${f} copied into data/`).toContain(f);
    const reconnus = tous.filter((f) => adapter.reconnaitre(entree(f)));
    expect(reconnus).toEqual([...ATTENDUS[id]!].sort());
  });

  it('recognition does not depend on the file name, and never throws on junk', () => {
    const bytes = octets(`${FILO}/cc_filosofi_2021_COM.csv`);
    expect(filosofiCc.reconnaitre(entreeSource('donnees.txt', bytes))).toBe(true);
    for (const a of ADAPTATEURS_MESURES) {
      for (const junk of [new Uint8Array([0, 1, 2, 3]), new Uint8Array([0xff, 0xfe, 0x00, 0xd8]), enc('\uFEFF'), enc(';;;\n')]) {
        expect(a.reconnaitre(entreeSource('x.csv', junk))).toBe(false);
      }
    }
  });
});

describe('filosofi-cc (Filosofi base comparateur, communes)', () => {
  const x19 = lire(filosofiCc, `${FILO}/cc_filosofi_2019_COM.CSV`);
  const x20 = lire(filosofiCc, `${FILO}/cc_filosofi_2020_COM.csv`);
  const x21 = lire(filosofiCc, `${FILO}/cc_filosofi_2021_COM.csv`);

  it('millésime from the column suffix, COG = millésime + 2 (2021: COG 2024), part = level, one line per commune', () => {
    expect([x19, x20, x21].map((x) => [x.millesime, x.cogSource, x.partie, x.lignesLues, x.lignes.length])).toEqual([
      ['2019', 2021, 'commune', 34_930, 34_930],
      ['2020', 2022, 'commune', 34_929, 34_929],
      ['2021', 2024, 'commune', 34_909, 34_909],
    ]);
    // the 2021 file is on the COG 2024: 08294 merged into 08053 on 1 January 2024 is gone, the
    // communes restored that day are listed (with `nd`); the 2020 file is still before that.
    const codes = (f: string) => new Set(lignesBrutes(`${FILO}/${f}`).map((l) => l.split(';')[0]));
    const [c20, c21] = [codes('cc_filosofi_2020_COM.csv'), codes('cc_filosofi_2021_COM.csv')];
    expect([c20.has('08294'), c21.has('08294'), c20.has('85165'), c21.has('85165'), c21.has('60694')]).toEqual([true, false, false, true, true]);
    expect(cellule(x21, '85165', 'nombre-menages-fiscaux')).toEqual({ valeur: null, statut: 'non_disponible' });
    for (const [x, f] of [[x19, 'cc_filosofi_2019_COM.CSV'], [x20, 'cc_filosofi_2020_COM.csv'], [x21, 'cc_filosofi_2021_COM.csv']] as const) {
      expect(x.lignes.length).toBe(lignesBrutes(`${FILO}/${f}`).filter((l) => l !== '').length - 1);
    }
  });

  it('lists the 45 PLM arrondissements as such, besides Paris, Lyon and Marseille', () => {
    for (const x of [x19, x20]) {
      expect(x.niveaux).toEqual(['arrondissement-municipal', 'commune']);
      expect(x.lignes.filter((r) => r[1] === 'arrondissement-municipal')).toHaveLength(45); // staging: one row per line
      expect(x.lignes.find((r) => r[2] === '75056')?.[1]).toBe('commune');
      expect(x.lignes.find((r) => r[2] === '69381')?.[1]).toBe('arrondissement-municipal');
    }
  });

  it('reads 2021 values with decimal commas, `s` as secret (null, never 0)', () => {
    const brut = lignesBrutes(`${FILO}/cc_filosofi_2021_COM.csv`);
    const entete = brut[0]!.split(';');
    const ambérieu = brut.find((l) => l.startsWith('01004;'))!.split(';');
    const col = (nom: string) => ambérieu[entete.indexOf(nom)]!;
    expect(col('MED21')).toBe('21660');
    expect(cellule(x21, '01004', 'mediane-niveau-vie')).toEqual({ valeur: 21660, statut: 'ok' });
    expect(col('PACT21')).toBe('72,3');
    expect(cellule(x21, '01004', 'part-revenus-activite')).toEqual({ valeur: 72.3, statut: 'ok' });
    expect(col('PIMPOT21')).toBe('-14,8');
    expect(cellule(x21, '01004', 'part-impots')).toEqual({ valeur: -14.8, statut: 'ok' });
    expect(col('TP60AGE621')).toBe('s');
    expect(cellule(x21, '01004', 'taux-pauvrete-75-ans-ou-plus')).toEqual({ valeur: null, statut: 'secret' });
    // a small commune: counts and median published, everything else secret
    expect(cellule(x21, '01001', 'nombre-menages-fiscaux')).toEqual({ valeur: 346, statut: 'ok' });
    expect(cellule(x21, '01001', 'taux-pauvrete')).toEqual({ valeur: null, statut: 'secret' });
  });

  it('reads 2019 values with decimal points, empty cells as secret', () => {
    const brut = lignesBrutes(`${FILO}/cc_filosofi_2019_COM.CSV`);
    const entete = brut[0]!.split(';');
    const ambérieu = brut.find((l) => l.startsWith('01004;'))!.split(';');
    expect(ambérieu[entete.indexOf('PACT19')]).toBe('70.1');
    expect(cellule(x19, '01004', 'part-revenus-activite')).toEqual({ valeur: 70.1, statut: 'ok' });
    expect(ambérieu[entete.indexOf('TP60AGE619')]).toBe('');
    expect(cellule(x19, '01004', 'taux-pauvrete-75-ans-ou-plus')).toEqual({ valeur: null, statut: 'secret' });
    expect(cellule(x19, '01004', 'taux-pauvrete')).toEqual({ valeur: Number(ambérieu[entete.indexOf('TP6019')]), statut: 'ok' });
    expect(cellule(x19, '01004', 'rapport-interdecile')).toEqual({ valeur: 3.2, statut: 'ok' });
  });

  it('every cell of the 2020 file is read as written: number, `s` secret, `nd` non disponible (independent parse)', () => {
    const brut = lignesBrutes(`${FILO}/cc_filosofi_2020_COM.csv`).filter((l) => l !== '');
    const entete = brut[0]!.split(';');
    const ecarts: string[] = [];
    let compares = 0;
    // wide staging: [ligne, niveau, code, libelle, periode, sexe, age, v0, s0, v1, s1, …]
    const parCode = new Map(x20.lignes.map((r) => [r[2] as string, r]));
    for (const l of brut.slice(1)) {
      const champs = l.split(';');
      const row = parCode.get(champs[0]!)!;
      for (const [k, v] of x20.variables!.entries()) {
        const t = champs[entete.indexOf(v.colonneSource)]!;
        const attendu = t === 's' ? { valeur: null, statut: 'secret' } : t === 'nd' ? { valeur: null, statut: 'non_disponible' } : { valeur: Number(t.replace(',', '.')), statut: 'ok' };
        const lu = { valeur: row[7 + 2 * k], statut: STATUTS[row[8 + 2 * k] as number] };
        if (lu.valeur !== attendu.valeur || lu.statut !== attendu.statut) ecarts.push(`${champs[0]} ${v.colonneSource} « ${t} » → ${JSON.stringify(lu)}`);
        compares += 1;
      }
    }
    expect(ecarts).toEqual([]);
    expect(compares).toBe(34_929 * 27);
    expect(longues(x20, {}).filter((r) => r.statut === 'non_disponible')).toHaveLength(9 * 27);
  });

  it('uses the same ids, labels, units and additivity as filosofi-disp for the same concepts', () => {
    const disp = lire(filosofiDisp, `${FILO}/FILO2019_DISP_COM.csv`).variables!;
    const communs = x19.variables!.filter((v) => disp.some((d) => d.id === v.id));
    expect(communs.map((v) => v.id)).toEqual([
      'nombre-menages-fiscaux', 'nombre-personnes-menages-fiscaux', 'mediane-niveau-vie', 'part-revenus-activite', 'part-salaires', 'part-indemnites-chomage',
      'part-benefices', 'part-pensions', 'part-revenus-patrimoine', 'part-prestations-sociales', 'part-prestations-familiales', 'part-minima-sociaux',
      'part-prestations-logement', 'part-impots', 'decile-1-niveau-vie', 'decile-9-niveau-vie', 'rapport-interdecile',
    ]);
    for (const v of communs) {
      const d = disp.find((x) => x.id === v.id)!;
      expect({ libelle: v.libelle, unite: v.unite, additive: v.additive }, v.id).toEqual({ libelle: d.libelle, unite: d.unite, additive: d.additive });
    }
    const nouveaux = x19.variables!.filter((v) => !communs.includes(v));
    expect(nouveaux.map((v) => `${v.colonneSource}:${v.id}`)).toEqual([
      'PIMP19:part-menages-imposes', 'TP6019:taux-pauvrete', 'TP60AGE119:taux-pauvrete-moins-30-ans', 'TP60AGE219:taux-pauvrete-30-39-ans',
      'TP60AGE319:taux-pauvrete-40-49-ans', 'TP60AGE419:taux-pauvrete-50-59-ans', 'TP60AGE519:taux-pauvrete-60-74-ans', 'TP60AGE619:taux-pauvrete-75-ans-ou-plus',
      'TP60TOL119:taux-pauvrete-proprietaires', 'TP60TOL219:taux-pauvrete-locataires',
    ]);
    expect(x19.variables!.filter((v) => v.additive).map((v) => v.id)).toEqual(['nombre-menages-fiscaux', 'nombre-personnes-menages-fiscaux']);
  });

  it('reads an EPCI file of the same product (part epci); refuses short codes it cannot place without labels', () => {
    const entete = lignesBrutes(`${FILO}/cc_filosofi_2021_COM.csv`)[0]!;
    const ligne = (code: string) => `${code};6855;15092;21660;50,0;17,0;17,0;22,0;19,0;16,0;11,0;s;5,0;27,0;72,3;65,7;3,2;3,4;25,3;10,2;7,0;2,6;3,0;1,4;-14,8;11890;36450;3,1`;
    const x = filosofiCc.lire(entreeSource('epci.csv', enc([entete, ligne('200000172'), ligne('200029999')].join('\n'))), null);
    expect([x.partie, x.niveaux, x.lignes.length]).toEqual(['epci', ['epci'], 2]);
    expect(cellule(x, '200000172', 'taux-pauvrete-75-ans-ou-plus')).toEqual({ valeur: null, statut: 'secret' });
    expect(() => filosofiCc.lire(entreeSource('dep.csv', enc([entete, ligne('01')].join('\n'))), null)).toThrow(/ligne 2, colonne 1 \(CODGEO\) : code « 01 » de département ou de région/);
    expect(() => filosofiCc.lire(entreeSource('mix.csv', enc([entete, ligne('01004'), ligne('200000172')].join('\n'))), null)).toThrow(/ligne 3, colonne 1 \(CODGEO\) : niveaux géographiques mélangés/);
  });

  it('rejects an imposed millésime that contradicts the columns, and the meta dictionary', () => {
    expect(() => lire(filosofiCc, `${FILO}/cc_filosofi_2021_COM.csv`, '2020')).toThrow(/ligne 1, colonne 2 \(NBMENFISC21\) : millésime 2020 demandé/);
    const meta = 'COD_VAR;LIB_VAR;LIB_VAR_LONG;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR\r\nNBMENFISC19;Nombre de ménages fiscaux;Nombre de ménages fiscaux;;;NUM;7\r\n';
    const e = entreeSource('meta_cc_filosofi_2019_COM.CSV', enc(meta));
    expect(filosofiCc.reconnaitre(e)).toBe(true);
    expect(() => filosofiCc.lire(e, null)).toThrow(/ligne 1, colonne 1 \(COD_VAR\) : dictionnaire des variables Filosofi/);
  });
});

describe('geoclip (Insee Statistiques locales, CartoSanté)', () => {
  const esp = lire(geoclip, 'insee/statistiques-locales/esperance_de_vie_departement.csv');
  const zon = lire(geoclip, 'cartosante/zonage-raw.csv', '2026');

  it('parses the year ending each header: periode, millésime, label without the year', () => {
    expect(esp.millesime).toBe('2023');
    expect(new Set(longues(esp, {}).map((r) => r.periode))).toEqual(new Set(['2023']));
    expect(esp.variables!.map((v) => [v.id, v.libelle, v.unite])).toEqual([
      ['esperance-de-vie-des-femmes-a-la-naissance', 'Espérance de vie des femmes à la naissance', 'ans'],
      ['esperance-de-vie-des-hommes-a-la-naissance', 'Espérance de vie des hommes à la naissance', 'ans'],
      ['taux-de-mortalite-standardise-des-65-ans-ou-plus', 'Taux de mortalité standardisé des 65 ans ou +', 'pour 1 000 habitants'],
      ['taux-brut-de-mortalite', 'Taux brut de mortalité', 'pour 1 000 habitants'],
      ['taux-de-mortalite-standardise-des-0-a-64-ans', 'Taux de mortalité standardisé des 0 à 64 ans', 'pour 1 000 habitants'],
      ['esperance-de-vie-des-femmes-a-60-ans', 'Espérance de vie des femmes à 60 ans', 'ans'],
      ['esperance-de-vie-des-hommes-a-60-ans', 'Espérance de vie des hommes à 60 ans', 'ans'],
    ]);
    expect(esp.variables!.every((v) => v.colonneSource.startsWith('Insee - Statistiques locales : ') && !v.additive)).toBe(true);
  });

  it('reads the level from the preamble, the producer into the part, the values as written', () => {
    expect([esp.partie, esp.niveaux, esp.cogSource, esp.lignesLues, esp.lignes.length, longues(esp, {}).length]).toEqual(['statistiques-locales-departement', ['departement'], null, 101, 101, 101 * 7]);
    const brut = lignesBrutes('insee/statistiques-locales/esperance_de_vie_departement.csv');
    expect(brut).toHaveLength(104); // 2 preamble lines, header, 101 départements, no final newline
    for (const l of brut.slice(3)) {
      const [code, libelle, ...valeurs] = l.split(';');
      const rows = longues(esp, { code });
      expect(rows.map((r) => r.valeur)).toEqual(valeurs.map(Number));
      expect(rows.every((r) => r.libelle === libelle && r.statut === 'ok')).toBe(true);
    }
    expect(longues(esp, { code: '976', variable: 'esperance-de-vie-des-hommes-a-la-naissance' })[0]?.valeur).toBe(73.9);
    expect(longues(esp, { code: '2A' })).toHaveLength(7);
  });

  it('CartoSanté zoning: categorical values, N/A as non disponible, arrondissements, millésime given', () => {
    expect([zon.millesime, zon.partie, zon.niveaux, zon.lignesLues]).toEqual(['2026', 'cartosante-commune', ['arrondissement-municipal', 'commune'], 34_919]);
    expect(zon.variables).toEqual([{ id: 'zonage-infirmiers', colonneSource: 'CartoSanté : Zonage infirmiers', libelle: 'Zonage infirmiers', unite: '', additive: false, type: 'modalite' }]);
    expect(longues(zon, { code: '01001' })[0]).toMatchObject({ modalite: '4_Tres_dotee', valeur: null, statut: 'ok', periode: '2026', libelle: "L'Abergement-Clémenciat" });
    expect(longues(zon, { code: '97701' })[0]).toMatchObject({ modalite: null, valeur: null, statut: 'non_disponible' });
    const comptes: Record<string, number> = {};
    for (const r of longues(zon, {})) comptes[String(r.modalite)] = (comptes[String(r.modalite)] ?? 0) + 1;
    expect(comptes).toEqual({ '1_Tres_sous_dotee': 1400, '2_Sous_dotee': 4257, '3_intermediaire': 15_676, '4_Tres_dotee': 8792, '5_Sur_dotee': 4792, null: 2 });
    expect(() => lire(geoclip, 'cartosante/zonage-raw.csv')).toThrow(/ligne 3, colonne 3 \(Zonage infirmiers\) : colonne sans année/);
    expect(() => lire(geoclip, 'insee/statistiques-locales/esperance_de_vie_departement.csv', '2022')).toThrow(/ligne 3, colonne 3 .*millésime 2022 demandé/);
  });

  it('accepts periods (`2013-2018`), several years of one indicator, and other levels', () => {
    const texte = [
      'Observatoire des territoires; ; ; ',
      'Référentiel géographique : France par région; ; ; ',
      'Code;Libellé;Taux de mortalité 2008-2013;Taux de mortalité 2013-2018;Nombre de décès 2018',
      '11;Île-de-France;6.1;6;75000',
      '84;Auvergne-Rhône-Alpes;8.4;N/A - résultat non disponible;70000',
    ].join('\n');
    const x = geoclip.lire(entreeSource('export.csv', enc(`\uFEFF${texte}`)), null);
    expect([x.millesime, x.partie, x.niveaux]).toEqual(['2018', 'observatoire-territoires-region', ['region']]);
    expect(x.variables!.map((v) => [v.id, v.additive])).toEqual([['taux-de-mortalite', false], ['nombre-de-deces', true]]);
    expect(longues(x, { code: '84' }).map((r) => [r.variable, r.periode, r.valeur, r.statut])).toEqual([
      ['taux-de-mortalite', '2008-2013', 8.4, 'ok'],
      ['taux-de-mortalite', '2013-2018', null, 'non_disponible'],
      ['nombre-de-deces', '2018', 70000, 'ok'],
    ]);
  });

  it('reads the level of the preamble line and checks every code against it', () => {
    const fichier = (referentiel: string, ...lignes: string[]) =>
      entreeSource('x.csv', enc(['Observatoire des territoires; ; ', `Référentiel géographique : ${referentiel}; ; `, 'Code;Libellé;Part des 75 ans ou plus 2021', ...lignes].join('\n')));
    expect(geoclip.lire(fichier('France par EPCI', '200000172;CC Test;10.5'), null).niveaux).toEqual(['epci']);
    expect(geoclip.lire(fichier('France par commune', '2A004;Ajaccio;9', '75056;Paris;8'), null).niveaux).toEqual(['commune']);
    expect(geoclip.lire(fichier('Hauts-de-France par région', '32;Hauts-de-France;9.8'), null).partie).toBe('observatoire-territoires-region');
    expect(() => geoclip.lire(fichier('France par EPCI', '01004;Ambérieu;10'), null)).toThrow(/ligne 4, colonne 1 \(Code\) : code « 01004 » invalide pour le niveau epci/);
    expect(() => geoclip.lire(fichier('France par département', '975;Saint-Pierre-et-Miquelon;10'), null)).toThrow(/code « 975 » invalide pour le niveau departement/);
    expect(() => geoclip.lire(fichier('France par bassin de vie', '01004;Ambérieu;10'), null)).toThrow(/ligne 2, colonne 1 \(référentiel\) : niveau géographique non pris en charge/);
    expect(() => geoclip.lire(fichier('France par commune', '01004;Ambérieu;-3'), null)).toThrow(/valeur négative -3 impossible pour « Part des 75 ans ou plus »/);
  });

  it('slugs: ASCII kebab-case, accents removed, + as plus', () => {
    expect(slugAscii('Espérance de vie des hommes à 60 ans')).toBe('esperance-de-vie-des-hommes-a-60-ans');
    expect(slugAscii('Maladies de l’appareil circulatoire')).toBe('maladies-de-l-appareil-circulatoire');
    expect(slugAscii('Œuvres ; 65 ans ou +')).toBe('oeuvres-65-ans-ou-plus');
  });
});

describe('observatoire-long (Observatoire des territoires, taux de mortalité par période)', () => {
  const relatif = 'observatoire-territoires/insee_rp_evol_1968_region_2018.csv';
  const x = lire(observatoireLong, relatif);

  it('millésime = end of the latest period; level régions from codes and labels; stray `;;;` ignored', () => {
    expect([x.millesime, x.partie, x.niveaux, x.cogSource, x.lignesLues, x.lignes.length]).toEqual(['2018', 'taux-mortalite-region', ['region'], null, 180, 180]);
    expect(lignesBrutes(relatif).at(-1)).toBe(';;;');
    expect(x.variables).toEqual([{ id: 'taux-mortalite', colonneSource: 'tx_morta', libelle: 'Taux de mortalité annuel moyen sur la période', unite: 'pour 1 000 habitants par an', additive: false }]);
  });

  it('values with decimal commas, periods as written, Mayotte absent (never 0)', () => {
    for (const l of lignesBrutes(relatif).slice(1, -1)) {
      const [code, libgeo, an, tx] = l.split(';');
      const [r] = longues(x, { code, periode: an });
      expect(r).toMatchObject({ libelle: libgeo, niveau: 'region', valeur: tx === '' ? null : Number(tx!.replace(',', '.')), statut: tx === '' ? 'absent' : 'ok' });
    }
    expect(longues(x, { code: '01', periode: '1968-1975' })[0]?.valeur).toBe(8.8);
    expect(longues(x, { code: '06' }).map((r) => r.statut)).toEqual(Array(10).fill('absent'));
    expect(new Set(longues(x, {}).map((r) => r.periode)).size).toBe(10);
  });
});

describe('cepidc-long (CépiDc taux standardisés, tables remises en forme)', () => {
  const tc = lire(cepidcLong, 'cepidc/toutes_causes.csv');
  const ch = lire(cepidcLong, 'cepidc/mortalite_2023_standardise_all.csv');

  it('millésime = latest year; the two real files get different parts although both are 2023', () => {
    expect([tc.millesime, tc.partie, tc.lignesLues, tc.lignes.length, tc.niveaux]).toEqual(['2023', 'taux-standardise-mortalite-2010-2023-toutes-causes', 1410, 1410, ['departement']]);
    expect([ch.millesime, ch.partie, ch.lignesLues, ch.lignes.length]).toEqual(['2023', 'taux-standardise-mortalite-2023-18-causes', 5454, 5454]);
    expect(tc.variables).toEqual([
      {
        id: 'taux-standardise-mortalite-toutes-causes',
        colonneSource: 'Taux standardisé de mortalité par âge et sexe pour 100 000 habitants — Toutes causes',
        libelle: 'Taux standardisé de mortalité par âge et sexe — Toutes causes',
        unite: 'pour 100 000 habitants',
        additive: false,
      },
    ]);
  });

  it('quoted cause labels holding commas are one field; sexes normalised; periods = years', () => {
    expect(ch.variables).toHaveLength(18);
    const endocrino = 'taux-standardise-mortalite-maladies-endocriniennes-nutritionnelles-et-metaboliques';
    expect(ch.variables!.find((v) => v.id === endocrino)?.libelle).toBe('Taux standardisé de mortalité par âge et sexe — 4. Maladies endocriniennes, nutritionnelles et métaboliques');
    expect(ch.variables!.map((v) => v.id)).toContain('taux-standardise-mortalite-covid-19-u071-u072-u109-u129');
    const brut = lignesBrutes('cepidc/mortalite_2023_standardise_all.csv').find((l) => l.startsWith('2023,02,Hommes,"4. Maladies endocriniennes'))!;
    expect(brut.endsWith(',61.9')).toBe(true);
    expect(longues(ch, { code: '02', variable: endocrino, sexe: 'hommes' })).toMatchObject([{ valeur: 61.9, periode: '2023', statut: 'ok' }]);
    expect(new Set(longues(ch, {}).map((r) => r.sexe))).toEqual(new Set(['hommes', 'femmes', 'ensemble']));
    expect(longues(tc, { code: '01', periode: '2010' })).toMatchObject([{ valeur: 1076.1, sexe: 'ensemble' }]);
    expect(new Set(longues(tc, {}).map((r) => r.periode)).size).toBe(14);
  });

  it('every value equals the raw file (independent split, quotes handled here)', () => {
    const brut = lignesBrutes('cepidc/mortalite_2023_standardise_all.csv').slice(1).filter((l) => l !== '');
    const decoupe = (l: string) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    expect(brut).toHaveLength(ch.lignes.length);
    const valeurs = longues(ch, {});
    brut.forEach((l, i) => {
      const [annee, dep, , , , valeur] = decoupe(l);
      const r = valeurs[i]!;
      expect([r.periode, r.code, r.valeur]).toEqual([annee, dep, Number(valeur)]);
    });
  });

  it('restores the leading zero of département codes (`1` → `01`) and rejects unknown codes', () => {
    const texte = 'annee,departement,sexe,cause,indicateur,valeur\n2022,1,Hommes,Toutes causes,Taux standardisé de mortalité par âge et sexe pour 100 000 habitants,1100.5\n2022,2a,Femmes,Toutes causes,Taux standardisé de mortalité par âge et sexe pour 100 000 habitants,600\n';
    const x = cepidcLong.lire(entreeSource('derive.csv', enc(texte)), null);
    expect(longues(x, {}).map((r) => [r.code, r.sexe, r.valeur])).toEqual([['01', 'hommes', 1100.5], ['2A', 'femmes', 600]]);
    expect(normaliserCodeDepartement(' 9')).toBe('09');
    expect(() => cepidcLong.lire(entreeSource('derive.csv', enc(texte.replace(',1,', ',20,'))), null)).toThrow(SourceSchemaError);
    expect(() => cepidcLong.lire(entreeSource('derive.csv', enc(texte.replace(',1,', ',975,'))), null)).toThrow(/ligne 2, colonne 2 \(departement\) : code département invalide « 975 »/);
  });
});
