import { SourceSchemaError } from '../../errors.ts';
import { lireZip, type EntreeZip } from './zip.ts';

/**
 * Reading of Excel `.xlsx` workbooks (OOXML SpreadsheetML), with no dependency: the archive is
 * opened by `lireZip`, the XML parts are scanned with `indexOf` and small anchored regular
 * expressions (no DOM). The XML written by Excel, LibreOffice, openpyxl or node-xlsx is regular
 * enough for this, and anything the scanner does not recognise is an error, never a silently
 * skipped cell.
 *
 * What is read: the sheet list of `xl/workbook.xml` (located through `_rels/.rels`), its
 * relationships (relative or absolute targets), the shared strings (rich-text runs
 * concatenated, phonetic runs `<rPh>` dropped), then each sheet lazily on `feuille(nom)`.
 * Element prefixes (`<x:c>`) are accepted; namespace URIs are not checked, so Strict OOXML reads too.
 *
 * Cell values (`Cellule`):
 * - `t="s"` shared string, `t="inlineStr"` inline string, `t="str"` formula string → `string`,
 *   verbatim: leading/trailing spaces kept (`xml:space` is advisory, as in Excel), XML entities
 *   (`&amp; &lt; &gt; &quot; &apos; &#NN; &#xNN;`) and the OOXML escapes `_xHHHH_` decoded;
 * - `t="n"` or no type → `number` (a formula cell gives its cached value);
 * - `t="b"` → `boolean`; `t="e"` (`#N/A`, `#DIV/0!`…) → `null`; a cell without value → `null`;
 * - `t="d"` (ISO 8601 date, rare) → its text, unchanged.
 * **Dates stay serial numbers**: styles are not read, so a date cell is the number of days
 * since 1899-12-30 (or since 1904-01-01 when `date1904` is true); convert where the column is
 * known to hold dates.
 *
 * Layout: `lignes[i]` is Excel row i + 1; rows absent from the XML are `[]`, and a row keeps
 * its cells up to its last non-empty one, missing cells being `null`. The sheet ends at the last
 * `<row>` element of the XML, even an empty one (DGCL's trailing row), so `lignes.length` is the
 * last row number Excel knows of.
 *
 * Not supported, reported as malformed rather than misread: CDATA sections and comments inside
 * `<sheetData>`, `>` inside an attribute value, `<extLst>` inside a `<row>`; legacy `.xls` (BIFF)
 * and password-protected workbooks (both OLE2 compound files) are refused with their own message.
 * Styles, merged cells, hidden state and formulas (only their cached values) are ignored.
 */

export type Cellule = string | number | boolean | null;

export interface Feuille {
  nom: string;
  /** `lignes[i]` is Excel row i + 1. */
  lignes: Cellule[][];
}

export interface Classeur {
  /** Sheet names in workbook order (the tab order). */
  feuilles: string[];
  /** True when the workbook counts dates from 1904-01-01 (old Mac workbooks). */
  date1904: boolean;
  /**
   * Parses the sheet on first call; later calls return the same object (do not mutate it).
   * Throws a `SourceSchemaError` listing the present sheets if `nom` does not exist.
   */
  feuille(nom: string): Feuille;
}

/** Regular expressions for one element prefix (`''` or `'x:'`), compiled once. */
interface Motifs {
  sheetData: RegExp;
  valeur: RegExp;
  inline: RegExp;
  si: RegExp;
  t: RegExp;
  ouvertureT: RegExp;
  phonetique: RegExp;
  ouvreV: string;
  fermeV: string;
}
const motifsParPrefixe = new Map<string, Motifs>();
function motifs(p: string): Motifs {
  let m = motifsParPrefixe.get(p);
  if (m === undefined) {
    m = {
      sheetData: new RegExp(`<${p}sheetData\\b[^>]*?(/?)>`),
      valeur: new RegExp(
        `^\\s*(?:<${p}f\\b[^>]*?(?:/>|>[^<]*</${p}f\\s*>)\\s*)?(?:(?:<${p}v\\s*/>|<${p}v(?:\\s[^>]*)?>([^<]*)</${p}v\\s*>)\\s*)?`,
      ),
      inline: new RegExp(`<${p}is\\b[^>]*>([\\s\\S]*)</${p}is\\s*>`),
      si: new RegExp(`<${p}si\\b[^>]*?(?:/>|>([\\s\\S]*?)</${p}si\\s*>)`, 'g'),
      t: new RegExp(`<${p}t(?:\\s[^>]*)?(?:/>|>([^<]*)</${p}t\\s*>)`, 'g'),
      ouvertureT: new RegExp(`<${p}t[\\s/>]`, 'g'),
      phonetique: new RegExp(`<${p}rPh\\b[\\s\\S]*?</${p}rPh\\s*>`, 'g'),
      ouvreV: `<${p}v>`,
      fermeV: `</${p}v>`,
    };
    motifsParPrefixe.set(p, m);
  }
  return m;
}

const SIGNATURE_CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const COLONNE_MAX = 16384; // XFD
const REFERENCE = /^([A-Z]{1,3})(\d+)$/;
const NOMBRE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const LIGNE_MAX = 1048576;

interface DefinitionFeuille {
  nom: string;
  partie: string | null;
  type: string;
}

export function lireClasseur(bytes: Uint8Array, fichier: string): Classeur {
  const erreur = (raison: string) => new SourceSchemaError({ fichier }, raison);
  if (bytes.byteLength === 0) throw erreur('fichier vide');
  if (SIGNATURE_CFB.every((octet, i) => bytes[i] === octet)) {
    throw erreur(
      'classeur Excel 97-2003 (.xls) non pris en charge, enregistrez-le en .xlsx (un .xlsx protégé par mot de passe a aussi cette signature : retirez la protection)',
    );
  }
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw erreur("ce n'est pas un classeur .xlsx : une archive ZIP (signature « PK ») est attendue");
  }
  const parties = new Map<string, EntreeZip>();
  for (const e of lireZip(bytes, fichier)) parties.set(e.nom.toLowerCase(), e);
  const lirePartie = (chemin: string): string | null => {
    const e = parties.get(chemin.toLowerCase());
    return e === undefined ? null : decoderXml(e.lire(), chemin, fichier);
  };

  // The workbook part: named by the package relationships, `xl/workbook.xml` by default.
  let cheminClasseur = 'xl/workbook.xml';
  const relsPaquet = lirePartie('_rels/.rels');
  if (relsPaquet !== null) {
    const principal = relations(relsPaquet, '_rels/.rels', fichier).find((r) => r.type.endsWith('/officeDocument'));
    if (principal !== undefined) cheminClasseur = resoudre('', principal.cible, '_rels/.rels', fichier);
  }
  const xmlClasseur = lirePartie(cheminClasseur);
  if (xmlClasseur === null) {
    const contenu = [...parties.values()].slice(0, 8).map((e) => e.nom);
    throw erreur(
      `classeur .xlsx invalide : partie « ${cheminClasseur} » absente (l'archive contient : ${contenu.join(', ') || 'rien'}${parties.size > 8 ? ', …' : ''})`,
    );
  }
  const dossier = cheminClasseur.includes('/') ? cheminClasseur.slice(0, cheminClasseur.lastIndexOf('/') + 1) : '';
  const cheminRels = `${dossier}_rels/${cheminClasseur.slice(dossier.length)}.rels`;
  const xmlRels = lirePartie(cheminRels);
  const rels = xmlRels === null ? [] : relations(xmlRels, cheminRels, fichier);
  const parId = new Map(rels.map((r) => [r.id, r]));

  const p = prefixeRacine(xmlClasseur, 'workbook', cheminClasseur, fichier);
  const blocFeuilles = new RegExp(`<${p}sheets\\b[^>]*>([\\s\\S]*?)</${p}sheets\\s*>`).exec(xmlClasseur);
  if (blocFeuilles === null) throw erreur(`classeur .xlsx invalide : aucune liste de feuilles (<sheets>) dans ${cheminClasseur}`);
  const definitions: DefinitionFeuille[] = [];
  for (const m of blocFeuilles[1]!.matchAll(new RegExp(`<${p}sheet\\b([^>]*?)/?>`, 'g'))) {
    const a = attributs(m[1]!, cheminClasseur, fichier);
    const nom = a.get('name');
    const rid = [...a].find(([k]) => k.endsWith(':id'))?.[1];
    if (nom === undefined || rid === undefined) {
      throw erreur(`classeur .xlsx invalide : feuille sans nom ou sans identifiant de relation dans ${cheminClasseur}`);
    }
    const rel = parId.get(rid);
    definitions.push({
      nom,
      partie: rel === undefined ? null : resoudre(dossier, rel.cible, cheminRels, fichier),
      type: rel?.type ?? '',
    });
  }
  if (definitions.length === 0) throw erreur(`classeur .xlsx invalide : aucune feuille dans ${cheminClasseur}`);
  const pr = new RegExp(`<${p}workbookPr\\b([^>]*?)/?>`).exec(xmlClasseur);
  const date1904Attr = pr === null ? undefined : attributs(pr[1]!, cheminClasseur, fichier).get('date1904');
  const date1904 = date1904Attr === '1' || date1904Attr === 'true';

  let partages: string[] | null = null;
  const chaines = (): string[] => {
    if (partages === null) {
      const rel = rels.find((r) => r.type.endsWith('/sharedStrings'));
      const chemin = rel === undefined ? `${dossier}sharedStrings.xml` : resoudre(dossier, rel.cible, cheminRels, fichier);
      const xml = lirePartie(chemin);
      partages = xml === null ? [] : chainesPartagees(xml, chemin, fichier);
    }
    return partages;
  };

  const cache = new Map<string, Feuille>();
  return {
    feuilles: definitions.map((d) => d.nom),
    date1904,
    feuille(nom: string): Feuille {
      const deja = cache.get(nom);
      if (deja !== undefined) return deja;
      const def = definitions.find((d) => d.nom === nom);
      if (def === undefined) {
        throw erreur(`feuille « ${nom} » absente ; feuilles présentes : ${definitions.map((d) => `« ${d.nom} »`).join(', ')}`);
      }
      if (!def.type.endsWith('/worksheet')) {
        throw erreur(`feuille « ${nom} » : ce n'est pas une feuille de données (relation ${def.type || 'absente'})`);
      }
      const xml = def.partie === null ? null : lirePartie(def.partie);
      if (xml === null) throw erreur(`feuille « ${nom} » : partie « ${def.partie} » absente de l'archive`);
      const feuille: Feuille = { nom, lignes: lireLignes(xml, nom, chaines, fichier) };
      cache.set(nom, feuille);
      return feuille;
    },
  };
}

/** Parses `<sheetData>`: rows and cells, strictly (any other markup between them is an error). */
function lireLignes(xml: string, nom: string, chaines: () => string[], fichier: string): Cellule[][] {
  const erreur = (raison: string, ligne?: number, col?: number) =>
    new SourceSchemaError(
      col === undefined ? { fichier, ligne } : { fichier, ligne, colonne: lettresColonne(col), numeroColonne: col + 1 },
      `feuille « ${nom} » : ${raison}`,
    );
  const p = prefixeRacine(xml, 'worksheet', `feuille « ${nom} »`, fichier);
  const mo = motifs(p);
  const ouverture = mo.sheetData.exec(xml);
  if (ouverture === null) throw erreur('XML invalide : élément <sheetData> absent');
  const lignes: Cellule[][] = [];
  if (ouverture[1] === '/') return lignes;
  const debut = ouverture.index + ouverture[0].length;
  const fin = xml.indexOf(`</${p}sheetData>`, debut);
  if (fin === -1) throw erreur('XML invalide : élément <sheetData> non refermé (partie tronquée ?)');

  // A hand-written scan (indexOf) rather than one big regular expression: same strictness,
  // far fewer allocations on sheets of 500 000 cells.
  const ouvreLigne = `<${p}row`;
  const fermeLigne = `</${p}row`;
  const ouvreCellule = `<${p}c`;
  const fermeCellule = `</${p}c>`;
  let i = debut;
  let ligneCourante: Cellule[] | null = null;
  let numeroLigne = 0;
  let colonne = -1;
  const inattendu = (depuis: number) =>
    erreur(
      `XML invalide : contenu inattendu « ${xml.slice(depuis, Math.min(fin, depuis + 60)).trim()} » après la ligne ${numeroLigne}`,
      numeroLigne || undefined,
    );
  for (;;) {
    const lt = xml.indexOf('<', i);
    const position = lt === -1 || lt > fin ? fin : lt;
    if (position !== i && !blanc(xml, i, position)) throw inattendu(i);
    if (position === fin) break;

    if (xml.startsWith(fermeLigne, lt)) {
      const gt = xml.indexOf('>', lt);
      if (gt === -1 || gt > fin || !blanc(xml, lt + fermeLigne.length, gt)) throw inattendu(lt);
      if (ligneCourante === null) throw erreur('XML invalide : </row> sans <row>', numeroLigne);
      ligneCourante = null;
      i = gt + 1;
    } else if (xml.startsWith(ouvreLigne, lt) && finDeNom(xml.charCodeAt(lt + ouvreLigne.length))) {
      const gt = xml.indexOf('>', lt);
      if (gt === -1 || gt > fin) throw inattendu(lt);
      const vide = xml.charCodeAt(gt - 1) === 47; // <row .../>
      if (ligneCourante !== null) throw erreur(`XML invalide : ligne ${numeroLigne} non refermée avant la suivante`, numeroLigne);
      const r = attributs(xml.slice(lt + ouvreLigne.length, vide ? gt - 1 : gt), `feuille « ${nom} »`, fichier).get('r');
      const numero = r === undefined ? numeroLigne + 1 : Number(r);
      if (!Number.isInteger(numero) || numero < 1 || numero > LIGNE_MAX) throw erreur(`numéro de ligne invalide « ${r} »`, numeroLigne + 1);
      if (numero <= numeroLigne) throw erreur(`ligne ${numero} en double ou dans le désordre (après la ligne ${numeroLigne})`, numero);
      while (lignes.length < numero - 1) lignes.push([]);
      const cellules: Cellule[] = [];
      lignes.push(cellules);
      numeroLigne = numero;
      colonne = -1;
      if (!vide) ligneCourante = cellules;
      i = gt + 1;
    } else if (xml.startsWith(ouvreCellule, lt) && finDeNom(xml.charCodeAt(lt + ouvreCellule.length))) {
      if (ligneCourante === null) throw erreur('XML invalide : cellule hors de toute ligne <row>', numeroLigne || undefined);
      const gt = xml.indexOf('>', lt);
      if (gt === -1 || gt > fin) throw inattendu(lt);
      const vide = xml.charCodeAt(gt - 1) === 47; // <c .../>
      const attrs = xml.slice(lt + ouvreCellule.length, vide ? gt - 1 : gt);
      let contenu = '';
      if (vide) {
        i = gt + 1;
      } else {
        const fc = xml.indexOf(fermeCellule, gt);
        if (fc === -1 || fc > fin) throw erreur('XML invalide : cellule non refermée', numeroLigne);
        contenu = xml.slice(gt + 1, fc);
        i = fc + fermeCellule.length;
      }
      // Fast path for the usual attribute order of Excel and openpyxl (r, s, t), else the general parser.
      let cellule = attributsCelluleRapides(attrs);
      if (cellule === null) {
        const a = attributs(attrs, `feuille « ${nom} »`, fichier);
        const ref = a.get('r');
        cellule = { col: -1, ligne: numeroLigne, type: a.get('t') };
        if (ref !== undefined) {
          const decode = REFERENCE.exec(ref);
          if (decode === null) throw erreur(`référence de cellule invalide « ${ref} »`, numeroLigne);
          cellule.col = indexColonne(decode[1]!);
          cellule.ligne = Number(decode[2]);
        }
      }
      const col = cellule.col === -1 ? colonne + 1 : cellule.col;
      if (col >= COLONNE_MAX) throw erreur('référence de cellule au-delà de la colonne XFD', numeroLigne);
      if (cellule.ligne !== numeroLigne) throw erreur(`cellule de la ligne ${cellule.ligne} rangée dans la ligne ${numeroLigne}`, numeroLigne, col);
      if (col <= colonne) throw erreur('cellule en double ou dans le désordre', numeroLigne, col);
      colonne = col;
      if (contenu === '') continue;
      // An unclosed cell swallows the next one up to its </c>.
      if (contenu.includes(ouvreCellule)) throw erreur('XML invalide : cellule non refermée', numeroLigne, col);
      const valeur = valeurCellule(cellule.type ?? 'n', contenu, mo, chaines, erreur, numeroLigne, col);
      if (valeur === null) continue;
      while (ligneCourante.length < col) ligneCourante.push(null);
      ligneCourante.push(valeur);
    } else {
      throw inattendu(lt);
    }
  }
  if (ligneCourante !== null) throw erreur(`XML invalide : ligne ${numeroLigne} non refermée`, numeroLigne);
  return lignes;
}

function valeurCellule(
  type: string,
  contenu: string,
  mo: Motifs,
  chaines: () => string[],
  erreurCellule: (raison: string, ligne: number, col: number) => SourceSchemaError,
  ligne: number,
  col: number,
): Cellule {
  const erreur = (raison: string) => erreurCellule(raison, ligne, col);
  if (type === 'inlineStr') {
    const is = mo.inline.exec(contenu);
    if (is !== null) return texteRiche(is[1]!, mo, erreur);
  }
  let brut: string | undefined;
  const finV = contenu.length - mo.fermeV.length;
  if (contenu.startsWith(mo.ouvreV) && contenu.endsWith(mo.fermeV) && contenu.indexOf('<', mo.ouvreV.length) === finV) {
    brut = contenu.slice(mo.ouvreV.length, finV); // fast path: exactly <v>…</v>
  } else {
    const v = mo.valeur.exec(contenu);
    if (v === null || (v[0].length !== contenu.length && !/^<(?:[\w.-]+:)?extLst\b/.test(contenu.slice(v[0].length)))) {
      throw erreur(`XML invalide : contenu de cellule inattendu « ${contenu.slice(0, 60)} »`);
    }
    brut = v[1];
  }
  if (brut === undefined) return null;
  switch (type) {
    case 'n': {
      if (NOMBRE.test(brut)) return Number(brut);
      const t = brut.trim();
      if (t === '') return null;
      if (!NOMBRE.test(t)) throw erreur(`nombre invalide « ${t.slice(0, 40)} »`);
      return Number(t);
    }
    case 's': {
      const t = brut.trim();
      const table = chaines();
      if (!/^\d+$/.test(t) || Number(t) >= table.length) {
        throw erreur(`index de chaîne partagée invalide « ${t} » (${table.length} chaînes dans sharedStrings.xml)`);
      }
      return table[Number(t)]!;
    }
    case 'str':
    case 'inlineStr':
    case 'd':
      return decoderTexte(brut, erreur);
    case 'b': {
      const t = brut.trim();
      if (t === '1' || t === 'true') return true;
      if (t === '0' || t === 'false') return false;
      throw erreur(`booléen invalide « ${t} »`);
    }
    case 'e':
      return null;
    default:
      throw erreur(`type de cellule inconnu « ${type} »`);
  }
}

/** `<sst>`: one string per `<si>`, runs concatenated. */
function chainesPartagees(xml: string, chemin: string, fichier: string): string[] {
  const p = prefixeRacine(xml, 'sst', chemin, fichier);
  const mo = motifs(p);
  const out: string[] = [];
  const erreur = (raison: string) => new SourceSchemaError({ fichier }, `${chemin}, chaîne partagée n° ${out.length} : ${raison}`);
  for (const m of xml.matchAll(mo.si)) {
    const contenu = m[1] ?? '';
    if (contenu.includes(`<${p}si`)) throw erreur('XML invalide : élément <si> non refermé');
    out.push(texteRiche(contenu, mo, erreur));
  }
  return out;
}

/** Text of a `<si>` or `<is>`: every `<t>` concatenated (plain or rich runs), phonetic runs dropped. */
function texteRiche(xml: string, mo: Motifs, erreur: (raison: string) => SourceSchemaError): string {
  const sansPhonetique = xml.includes('rPh') ? xml.replace(mo.phonetique, '') : xml;
  let texte = '';
  let n = 0;
  for (const m of sansPhonetique.matchAll(mo.t)) {
    texte += m[1] ?? '';
    n += 1;
  }
  if ((sansPhonetique.match(mo.ouvertureT)?.length ?? 0) !== n) throw erreur('XML invalide : élément <t> mal formé');
  return decoderTexte(texte, erreur);
}

const ENTITES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text → string: line ends normalised, entities and `_xHHHH_` escapes decoded. */
function decoderTexte(brut: string, erreur: (raison: string) => SourceSchemaError): string {
  let t = brut.includes('\r') ? brut.replace(/\r\n?/g, '\n') : brut;
  if (t.includes('&')) {
    t = t.replace(/&([^;&]{0,10});?/g, (tout, corps: string) => {
      if (!tout.endsWith(';')) throw erreur(`entité XML non terminée « ${tout} »`);
      const nomme = ENTITES[corps];
      if (nomme !== undefined) return nomme;
      const num = /^#(?:(\d+)|x([0-9A-Fa-f]+))$/.exec(corps);
      const code = num === null ? NaN : num[1] !== undefined ? Number(num[1]) : parseInt(num[2]!, 16);
      if (!Number.isInteger(code) || code < 1 || code > 0x10ffff) throw erreur(`entité XML inconnue « ${tout} »`);
      return String.fromCodePoint(code);
    });
  }
  if (t.includes('_x')) t = t.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return t;
}

interface Relation {
  id: string;
  type: string;
  cible: string;
}

function relations(xml: string, chemin: string, fichier: string): Relation[] {
  const out: Relation[] = [];
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*?)\/?>/g)) {
    const a = attributs(m[1]!, chemin, fichier);
    const id = a.get('Id');
    const type = a.get('Type');
    const cible = a.get('Target');
    if (a.get('TargetMode') === 'External') continue;
    if (id === undefined || type === undefined || cible === undefined) {
      throw new SourceSchemaError({ fichier }, `${chemin} : relation sans Id, Type ou Target`);
    }
    out.push({ id, type, cible });
  }
  return out;
}

/** Resolves a relationship target: absolute (`/xl/…`) from the package root, else from `dossier`. */
function resoudre(dossier: string, cible: string, chemin: string, fichier: string): string {
  const segments = (cible.startsWith('/') ? cible.slice(1) : dossier + cible).split('/');
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.pop() === undefined) throw new SourceSchemaError({ fichier }, `${chemin} : cible « ${cible} » hors de l'archive`);
    } else out.push(s);
  }
  return out.join('/');
}

/** Prefix (`''` or `'x:'`) of the root element, checked to be `racine`. */
function prefixeRacine(xml: string, racine: string, chemin: string, fichier: string): string {
  const debut = xml.slice(0, 65536).replace(/^(?:\s*<\?[\s\S]*?\?>|\s*<!--[\s\S]*?-->)*\s*/, '');
  const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/.exec(debut);
  if (m === null || m[2] !== racine) {
    throw new SourceSchemaError({ fichier }, `${chemin} : XML invalide, élément racine <${racine}> attendu${m === null ? '' : `, <${m[1] ?? ''}${m[2]}> trouvé`}`);
  }
  return m[1] ?? '';
}

/** Attributes of a start tag; the whole string must be consumed (else the tag is malformed). */
function attributs(s: string, chemin: string, fichier: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
  let i = 0;
  for (;;) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) break;
    const valeur = m[2] ?? m[3]!;
    out.set(m[1]!, valeur.includes('&') ? decoderTexte(valeur, (r) => new SourceSchemaError({ fichier }, `${chemin} : ${r}`)) : valeur);
    i = re.lastIndex;
  }
  if (s.slice(i).trim() !== '') {
    throw new SourceSchemaError({ fichier }, `${chemin} : XML invalide, attributs illisibles « ${s.trim().slice(0, 60)} »`);
  }
  return out;
}

function decoderXml(bytes: Uint8Array, chemin: string, fichier: string): string {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // strips a UTF-8 BOM
  } catch {
    throw new SourceSchemaError({ fichier }, `${chemin} : encodage invalide (UTF-8 attendu)`);
  }
}

interface AttributsCellule {
  /** 0-based column, -1 when the cell has no `r`. */
  col: number;
  ligne: number;
  type: string | undefined;
}

const TYPES = new Map(['s', 'n', 'b', 'e', 'str', 'inlineStr', 'd'].map((t) => [`t="${t}"`, t]));

/**
 * Reads ` r="B12"`, optionally followed by ` s="3"` and ` t="s"` (the order Excel and openpyxl
 * write) without a regular expression; `null` for any other shape (then parsed generally).
 */
function attributsCelluleRapides(s: string): AttributsCellule | null {
  if (!s.startsWith(' r="')) return null;
  let k = 4;
  let col = 0;
  let c = s.charCodeAt(k);
  while (c >= 65 && c <= 90 && k < 7) {
    col = col * 26 + (c - 64);
    c = s.charCodeAt(++k);
  }
  if (col === 0) return null;
  let ligne = 0;
  const debutLigne = k;
  while (c >= 48 && c <= 57) {
    ligne = ligne * 10 + (c - 48);
    c = s.charCodeAt(++k);
  }
  if (k === debutLigne || c !== 34) return null;
  k += 1;
  if (s.startsWith(' s="', k)) {
    const q = s.indexOf('"', k + 4);
    if (q === -1) return null;
    for (let j = k + 4; j < q; j++) if (s.charCodeAt(j) < 48 || s.charCodeAt(j) > 57) return null;
    k = q + 1;
  }
  let type: string | undefined;
  if (k < s.length) {
    if (s.charCodeAt(k) !== 32) return null;
    type = TYPES.get(s.slice(k + 1));
    if (type === undefined) return null;
  }
  return { col: col - 1, ligne, type };
}

/** True when `xml[de, a)` is only XML white space. */
function blanc(xml: string, de: number, a: number): boolean {
  for (let k = de; k < a; k++) {
    const c = xml.charCodeAt(k);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/** The character after an element name: white space, `>` or `/`. */
function finDeNom(c: number): boolean {
  return c === 32 || c === 62 || c === 47 || c === 10 || c === 13 || c === 9;
}

function indexColonne(lettres: string): number {
  let n = 0;
  for (let i = 0; i < lettres.length; i++) n = n * 26 + (lettres.charCodeAt(i) - 64);
  return n - 1;
}

/** 0 → A, 25 → Z, 26 → AA. */
export function lettresColonne(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A cell as trimmed text (`''` for an empty cell), e.g. to compare headers. */
export function texteCellule(x: Cellule | undefined): string {
  return typeof x === 'string' ? x.trim() : x === null || x === undefined ? '' : String(x);
}
