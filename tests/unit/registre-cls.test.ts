import { readFileSync } from 'node:fs';
import path from 'node:path';
import epciData from '@etalab/decoupage-administratif/data/epci.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { FormatInconnuError, SourceSchemaError } from '../../functions/src/core/errors.ts';
import { estDateIso } from '../../functions/src/core/model/dates.ts';
import { entreeSource } from '../../functions/src/core/sources/adapter.ts';
import { ENTETE_REGISTRE_CLS, registreCls } from '../../functions/src/core/sources/registre-cls/adapter.ts';
import { ADAPTATEURS, detecterFormat } from '../../functions/src/core/sources/registry.ts';
import { DATA } from '../helpers/chemins.ts';

// The CLS registry adapter on the real sample of data/registre-cls (an illustrative registry on
// real COG 2026 codes), then on garbage derived from it line by line: every rule of the format
// rejects the file with a message naming file, line and column.

const RELATIF = 'registre-cls/registre-cls.csv';
const reel = readFileSync(path.join(DATA, RELATIF), 'utf-8');
const lignes = reel.split('\n');
const enc = (s: string) => new TextEncoder().encode(s);
const entree = (texte: string, fichier = 'registre-cls.csv') => entreeSource(fichier, enc(texte));
/** The real file with line `n` (1-based) changed. */
const avecLigne = (n: number, f: (l: string) => string) => lignes.map((l, i) => (i === n - 1 ? f(l) : l)).join('\n');
/** Field `i` (0-based) of a line set to `v`. */
const champ = (l: string, i: number, v: string) => l.split(';').map((x, j) => (j === i ? v : x)).join(';');
/** The real file with field `i` of line `n` set to `v`. */
const cellule = (n: number, i: number, v: string) => avecLigne(n, (l) => champ(l, i, v));
const ligneDe = (code: string, version: string, membre?: string) =>
  lignes.findIndex((l) => l.startsWith(`${code};`) && l.split(';')[4] === version && (membre === undefined || l.split(';')[9] === membre)) + 1;

function erreurDe(texte: string, millesime: string | null = null): SourceSchemaError {
  try {
    registreCls.lire(entree(texte), millesime);
  } catch (e) {
    expect(e).toBeInstanceOf(SourceSchemaError);
    return e as SourceSchemaError;
  }
  throw new Error('aucune erreur levée');
}

describe('registre-cls on the real sample', () => {
  const x = registreCls.lire(entree(reel), null);
  /** Independent read: the data lines split on `;`. */
  const donnees = lignes.filter((l, i) => i > 0 && l !== '').map((l) => l.split(';'));

  it('is detected by content, whatever the file name, and only this file of data/ is', () => {
    expect(detecterFormat(entreeSource('sans-nom.bin', enc(reel))).id).toBe('registre-cls');
    expect(ADAPTATEURS.filter((a) => a.reconnaitre(entree(reel))).map((a) => a.id)).toEqual(['registre-cls']);
    for (const junk of ['', 'a;b\n1;2\n', '\uFEFF', 'code;libelle\n']) expect(registreCls.reconnaitre(entree(junk))).toBe(false);
    // a BOM and CRLF line ends are accepted
    expect(registreCls.lire(entree(`\uFEFF${reel.replace(/\n/g, '\r\n')}`), null).lignes).toEqual(x.lignes);
  });

  it('keeps every line, typed, codes as strings', () => {
    expect(x.lignesLues).toBe(donnees.length);
    expect(x.colonnes.map((c) => c.nom)).toEqual(['ligne', ...ENTETE_REGISTRE_CLS]);
    expect(x.lignes.map((l) => l.slice(1).map((v) => (v === null ? '' : String(v))))).toEqual(donnees);
    expect(x.lignes.every((l) => typeof l[10] === 'string')).toBe(true);
    expect(x.lignes.find((l) => l[10] === '2A004')).toBeDefined();
  });

  it('takes as millésime the year of the latest signature, and a later edition year when one is given', () => {
    const signatures = donnees.map((d) => d[5]!).filter((d) => d !== '').sort();
    expect(x.millesime).toBe(signatures[signatures.length - 1]!.slice(0, 4));
    expect(x.cogSource).toBe(2026);
    expect(registreCls.lire(entree(reel), '2026').millesime).toBe('2026');
    expect(erreurDe(reel, '2023').message).toMatch(/^registre-cls\.csv : millésime 2023 demandé, mais le registre contient des signatures ou des débuts en 2024/);
    expect(erreurDe(reel, '24').message).toMatch(/millésime invalide/);
  });

  it('holds what the sample promises (PROVENANCE.md): a changed perimeter, an ended, a cancelled and unsigned CLS, EPCI of the current COG', () => {
    const statuts = new Set(donnees.map((d) => d[3]));
    expect([...statuts].sort()).toEqual(['en_preparation', 'resilie', 'signe', 'termine']);
    const vgp = donnees.filter((d) => d[0] === 'CLS-78-VGP');
    expect(new Set(vgp.map((d) => d[4]))).toEqual(new Set(['1', '2']));
    expect(donnees.every((d) => d[10] === 'oui')).toBe(true);
    const sirens = new Set((epciData as Array<{ code: string }>).map((e) => e.code));
    for (const d of donnees.filter((d) => d[8] === 'epci')) expect(sirens.has(d[9]!), d[9]).toBe(true);
  });
});

describe('registre-cls rejects a bad file, naming file, line and column', () => {
  const vgp2 = ligneDe('CLS-78-VGP', '2');
  const vgp1 = ligneDe('CLS-78-VGP', '1');
  const sd = ligneDe('CLS-93-SAINT-DENIS', '1');
  const montreuil = ligneDe('CLS-93-MONTREUIL', '1');
  const auber = ligneDe('CLS-93-AUBERVILLIERS', '1');
  const dunkerque = ligneDe('CLS-59-DUNKERQUE', '1');
  const ajaccien = ligneDe('CLS-2A-PAYS-AJACCIEN', '1');

  const cas: Array<[string, () => string, RegExp]> = [
    ['a renamed header column', () => reel.replace('date_debut', 'debut'), /ligne 1, colonne 7 \(debut\) : en-tête invalide : colonne « debut » trouvée, « date_debut » attendue/],
    ['a header missing its last column', () => reel.replace(';exemple\n', '\n'), /ligne 1, colonne 11 \(exemple\) : en-tête invalide : colonne « exemple » absente/],
    ['a header with an extra column', () => reel.replace(';exemple\n', ';exemple;note\n'), /ligne 1, colonne 12 \(note\) : en-tête invalide : colonne « note » en trop/],
    ['a comma-separated file', () => reel.replace(/;/g, ','), /ligne 1 : séparateur « , »/],
    ['a missing field', () => avecLigne(sd, (l) => l.split(';').slice(0, 10).join(';')), new RegExp(`ligne ${sd} : 11 champs attendus séparés par « ; », 10 trouvés`)],
    ['a lower-case CLS code', () => avecLigne(montreuil, (l) => champ(l, 0, 'cls-93-montreuil')), new RegExp(`ligne ${montreuil}, colonne 1 \\(code_cls\\) : code CLS invalide « cls-93-montreuil »`)],
    ['an empty label', () => cellule(montreuil, 1, ' '), new RegExp(`ligne ${montreuil}, colonne 2 \\(libelle\\) : libellé vide`)],
    ['a spreadsheet formula in a label', () => cellule(montreuil, 1, '=HYPERLINK("x")'), new RegExp(`ligne ${montreuil}, colonne 2 \\(libelle\\) : libellé commençant par un caractère de formule`)],
    ['generation 0', () => cellule(montreuil, 2, '0'), new RegExp(`ligne ${montreuil}, colonne 3 \\(generation\\) : génération invalide « 0 »`)],
    ['generation in words', () => cellule(montreuil, 2, 'deux'), new RegExp(`ligne ${montreuil}, colonne 3 \\(generation\\) : génération invalide « deux »`)],
    ['an unknown statut', () => cellule(montreuil, 3, 'actif'), new RegExp(`ligne ${montreuil}, colonne 4 \\(statut\\) : statut inconnu « actif » \\(attendu : en_preparation, signe, termine, resilie\\)`)],
    ['version 0', () => cellule(montreuil, 4, '0'), new RegExp(`ligne ${montreuil}, colonne 5 \\(version\\) : version invalide « 0 »`)],
    ['a 29 February of a common year', () => cellule(montreuil, 5, '2017-02-29'), new RegExp(`ligne ${montreuil}, colonne 6 \\(date_signature\\) : date invalide « 2017-02-29 »`)],
    ['a French-style date', () => cellule(montreuil, 6, '01/01/2018'), new RegExp(`ligne ${montreuil}, colonne 7 \\(date_debut\\) : date invalide « 01/01/2018 »`)],
    ['month 13', () => cellule(montreuil, 7, '2022-13-31'), new RegExp(`ligne ${montreuil}, colonne 8 \\(date_fin\\) : date invalide « 2022-13-31 »`)],
    ['an empty start date', () => cellule(montreuil, 6, ''), new RegExp(`ligne ${montreuil}, colonne 7 \\(date_debut\\) : date de début vide`)],
    ['an end before the start', () => cellule(montreuil, 7, '2017-12-31'), new RegExp(`ligne ${montreuil}, colonne 8 \\(date_fin\\) : date de fin 2017-12-31 antérieure à la date de début 2018-01-01`)],
    ['a signed CLS without signature date', () => cellule(dunkerque, 5, ''), new RegExp(`ligne ${dunkerque}, colonne 6 \\(date_signature\\) : date de signature vide pour un CLS au statut « signe »`)],
    ['an ended CLS without signature date', () => cellule(montreuil, 5, ''), new RegExp(`ligne ${montreuil}, colonne 6 \\(date_signature\\) : date de signature vide pour un CLS au statut « termine »`)],
    ['an ended CLS without end date', () => cellule(montreuil, 7, ''), new RegExp(`ligne ${montreuil}, colonne 8 \\(date_fin\\) : date de fin vide pour un CLS au statut « termine »`)],
    ['a CLS in preparation with a signature date', () => cellule(auber, 5, '2026-06-01'), new RegExp(`ligne ${auber}, colonne 6 \\(date_signature\\) : un CLS en préparation n’est pas signé`)],
    ['an unknown member type', () => cellule(montreuil, 8, 'departement'), new RegExp(`ligne ${montreuil}, colonne 9 \\(type_membre\\) : type de membre inconnu « departement »`)],
    ['a commune code read as a number', () => cellule(ligneDe('CLS-78-VGP', '1', '78646'), 9, '7864'), new RegExp(`ligne ${vgp1}, colonne 10 \\(code_membre\\) : code commune invalide « 7864 »`)],
    ['a commune absent from the COG', () => cellule(montreuil, 9, '93999'), new RegExp(`ligne ${montreuil}, colonne 10 \\(code_membre\\) : commune « 93999 » inconnue du COG 2026`)],
    ['a commune merged before 2026 (Rocquencourt)', () => cellule(montreuil, 9, '78524'), /colonne 10 \(code_membre\) : « 78524 » est une commune déléguée ou associée du COG 2026 : le membre est la commune 78158/],
    ['a PLM arrondissement', () => cellule(montreuil, 9, '75111'), /colonne 10 \(code_membre\) : « 75111 » est un arrondissement municipal : le membre est la commune 75056/],
    ['an EPCI SIREN of 8 digits', () => cellule(vgp2, 9, '24780058'), new RegExp(`ligne ${vgp2}, colonne 10 \\(code_membre\\) : SIREN d’EPCI invalide « 24780058 »`)],
    ['an EPCI absent from the COG', () => cellule(vgp2, 9, '247800000'), new RegExp(`ligne ${vgp2}, colonne 10 \\(code_membre\\) : EPCI « 247800000 » inconnu du COG 2026`)],
    ['a commune code given as an EPCI', () => cellule(ajaccien, 8, 'commune'), new RegExp(`ligne ${ajaccien}, colonne 10 \\(code_membre\\) : code commune invalide « 242010056 »`)],
    ['exemple neither oui nor non', () => cellule(montreuil, 10, 'peut-être'), new RegExp(`ligne ${montreuil}, colonne 11 \\(exemple\\) : valeur « peut-être » inattendue`)],
    ['a label differing inside a version', () => cellule(sd + 1, 1, 'Autre nom'), new RegExp(`ligne ${sd + 1}, colonne 2 \\(libelle\\) : CLS-93-SAINT-DENIS version 1 : « Autre nom » ici, « Exemple fictif – CLS de Saint-Denis et Saint-Ouen » ligne ${sd}`)],
    ['a statut differing inside a version', () => cellule(vgp1 + 1, 3, 'signe'), new RegExp(`ligne ${vgp1 + 1}, colonne 4 \\(statut\\) : CLS-78-VGP version 1 : « signe » ici, « termine » ligne ${vgp1}`)],
    ['a start date differing inside a version', () => cellule(sd + 1, 6, '2023-01-02'), new RegExp(`ligne ${sd + 1}, colonne 7 \\(date_debut\\) : CLS-93-SAINT-DENIS version 1 : « 2023-01-02 » ici, « 2023-01-01 » ligne ${sd}`)],
    ['an end date differing inside a version', () => cellule(sd + 1, 7, ''), new RegExp(`ligne ${sd + 1}, colonne 8 \\(date_fin\\) : CLS-93-SAINT-DENIS version 1`)],
    ['a member twice in a version', () => cellule(sd + 1, 9, '93066'), new RegExp(`ligne ${sd + 1}, colonne 10 \\(code_membre\\) : commune 93066 déjà membre de CLS-93-SAINT-DENIS version 1 \\(ligne ${sd}\\)`)],
    ['versions 1 and 3 without 2', () => cellule(vgp2, 4, '3'), new RegExp(`ligne ${vgp2}, colonne 5 \\(version\\) : CLS-78-VGP : version 3 sans version 2`)],
    ['a version 2 alone', () => cellule(montreuil, 4, '2'), new RegExp(`ligne ${montreuil}, colonne 5 \\(version\\) : CLS-93-MONTREUIL : version 2 sans version 1`)],
    ['two versions overlapping by one day', () => cellule(vgp2, 6, '2022-06-30'), new RegExp(`ligne ${vgp2}, colonne 7 \\(date_debut\\) : CLS-78-VGP : la version 2 commence le 2022-06-30, avant la fin de la version 1 \\(2019-07-01 → 2022-06-30, ligne ${vgp1}\\)`)],
    ['a version 2 that starts before version 1', () => cellule(vgp2, 6, '2018-01-01').replace(/2027-06-30/, '2018-12-31'), new RegExp(`ligne ${vgp2}, colonne 7 \\(date_debut\\) : CLS-78-VGP : la version 2 commence le 2018-01-01`)],
    ['a version after an open-ended one', () => lignes.map((l, i) => (i + 1 >= vgp1 && i + 1 < vgp2 ? champ(champ(l, 7, ''), 3, 'signe') : l)).join('\n'), new RegExp(`ligne ${vgp2}, colonne 7 \\(date_debut\\) : CLS-78-VGP : la version 2 commence le 2022-07-01, avant la fin de la version 1 \\(2019-07-01 → sans fin`)],
    ['a header alone', () => `${lignes[0]}\n`, /ligne 2 : aucune ligne de données/],
    ['an unclosed quote', () => cellule(montreuil, 1, '"Montreuil'), new RegExp(`ligne ${montreuil}.*guillemet non refermé`)],
  ];

  it.each(cas)('%s', (_nom, texte, message) => {
    const e = erreurDe(texte());
    expect(e.message).toMatch(/^registre-cls\.csv, ligne \d+/);
    expect(e.message).toMatch(message);
    expect(e.message.length).toBeLessThan(400);
  });

  it('a header that is not this format at all is an unknown format', () => {
    expect(() => detecterFormat(entree(reel.replace('code_cls', 'id_contrat')))).toThrow(FormatInconnuError);
  });

  it('the valid variants the rules must not refuse are accepted', () => {
    // consecutive versions one day apart, an end date equal to the start date, an open end
    expect(() => registreCls.lire(entree(cellule(vgp2, 7, '2022-07-01')), null)).not.toThrow();
    expect(() => registreCls.lire(entree(cellule(dunkerque, 7, '2020-01-01')), null)).not.toThrow();
    expect(() => registreCls.lire(entree(cellule(montreuil, 5, '2016-02-29')), null)).not.toThrow();
  });
});

describe('estDateIso', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2023-04-31', false],
    ['2023-12-31', true],
    ['2023-00-10', false],
    ['2023-01-00', false],
    ['2023-1-01', false],
    ['2023-01-01T00:00', false],
    ['', false],
  ])('%s → %s', (texte, attendu) => {
    expect(estDateIso(texte)).toBe(attendu);
  });
});
