/**
 * Line chart of one indicator over its periods: the territory, its département, its région and
 * France (`GET /api/territoires/{niveau}/{code}/series`), the territory's 95 % intervals as
 * vertical rules. Pure builder: `(series, options) → SVGElement`, the caller passes `document`.
 */
import * as Plot from '@observablehq/plot';
import type { SeriesReponse } from '@sante-territoires/functions/core/model/api-types.ts';
import { formatNombre } from '@sante-territoires/functions/core/model/format.ts';
import { comparerPeriodes } from '@sante-territoires/functions/core/model/periodes.ts';

type Role = SeriesReponse['series'][number]['role'];

export interface PointSerie {
  role: Role;
  /** The series' name in the legend: the territory's name, « Rhône (département) »… */
  nom: string;
  periode: string;
  valeur: number;
  ic_bas: number | null;
  ic_haut: number | null;
}

const SUFFIXES: Readonly<Record<Role, string>> = { territoire: '', departement: ' (département)', region: ' (région)', france: '' };
/** The territory stands out; the references are greys and dashes (never colour alone). */
const COULEURS: Readonly<Record<Role, string>> = { territoire: '#1d4f91', departement: '#6b4c9a', region: '#8a5a00', france: '#3a3a3a' };
const TIRETS: Readonly<Record<Role, string>> = { territoire: 'none', departement: '6 3', region: '2 3', france: '10 4' };

export function nomSerie(s: SeriesReponse['series'][number]): string {
  return `${s.libelle}${SUFFIXES[s.role]}`;
}

/** The points drawn: every period with a value, oldest first within each series. */
export function pointsSerie(r: SeriesReponse): PointSerie[] {
  return r.series.flatMap((s) =>
    s.valeurs
      .flatMap((v) =>
        v.valeur === null || !Number.isFinite(v.valeur) ? [] : [{ role: s.role, nom: nomSerie(s), periode: v.periode, valeur: v.valeur, ic_bas: v.ic_bas, ic_haut: v.ic_haut }],
      )
      .sort((a, b) => comparerPeriodes(a.periode, b.periode)),
  );
}

/** Every period of any series, oldest first (by last year, then first year, as everywhere). */
export function periodesSerie(r: SeriesReponse): string[] {
  const vues = new Set<string>();
  for (const s of r.series) for (const v of s.valeurs) vues.add(v.periode);
  return [...vues].sort(comparerPeriodes);
}

export interface OptionsCourbes {
  document: Document;
  /** Label of the indicator, for the accessible name. */
  indicateur: string;
  unite: string;
  decimales: number;
  width?: number;
}

/** Approximate width of a tick label at 12 px (system sans-serif digits are about 7 px wide). */
const LARGEUR_CARACTERE = 7;

/**
 * The periods labelled on the x axis: all of them when they fit, else one in every `pas`, counted
 * from the latest (always labelled), so that labels never overlap.
 */
export function periodesEtiquetees(periodes: readonly string[], largeurUtile: number): string[] {
  const largeurEtiquette = Math.max(...periodes.map((p) => p.length), 1) * LARGEUR_CARACTERE + 12;
  const place = Math.max(1, Math.floor(largeurUtile / largeurEtiquette));
  const pas = Math.max(1, Math.ceil(periodes.length / place));
  return periodes.filter((_, i) => (periodes.length - 1 - i) % pas === 0);
}

/** Left margin that holds the widest y tick label (« 70 000 000 » needs more than « 6,8 »). */
export function margeGauche(points: readonly PointSerie[], decimales: number): number {
  const extremes = points.flatMap((p) => [p.valeur, p.ic_bas ?? p.valeur, p.ic_haut ?? p.valeur]);
  if (extremes.length === 0) return 48;
  // « nice » ticks can go one step beyond the data: count one more digit
  const plusLarge = Math.max(...extremes.map((v) => formatNombre(v, decimales).length)) + 1;
  return Math.max(48, plusLarge * LARGEUR_CARACTERE + 16);
}

export function courbesSerie(r: SeriesReponse, options: OptionsCourbes): SVGSVGElement | HTMLElement {
  const points = pointsSerie(r);
  const periodes = periodesSerie(r);
  // the legend names only the series drawn (a reference with no value has no line)
  const dessines = new Set(points.map((p) => p.role));
  const roles = r.series.map((s) => s.role).filter((role) => dessines.size === 0 || dessines.has(role));
  const noms = new Map(r.series.map((s) => [s.role, nomSerie(s)]));
  const width = Math.max(280, Math.round(options.width ?? 640));
  const valeur = (v: number) => formatNombre(v, options.decimales);
  const unite = options.unite.trim();
  const territoire = r.series.find((s) => s.role === 'territoire');
  const derniers = points.filter((p) => p.role === 'territoire');
  const dernier = derniers[derniers.length - 1];
  const description = [
    `Courbes de l’indicateur par période (${periodes.join(', ')})\u00a0: ${roles.map((role) => noms.get(role)).join(', ')}.`,
    dernier ? `Dernière valeur de ${territoire?.libelle ?? 'ce territoire'}\u00a0: ${[valeur(dernier.valeur), unite].filter(Boolean).join('\u00a0')} en ${dernier.periode}.` : 'Aucune valeur pour ce territoire.',
    'Les valeurs sont reprises dans le tableau qui suit.',
  ].join(' ');
  const intervalles = derniers.filter((p) => p.ic_bas !== null && p.ic_haut !== null);
  const marginLeft = margeGauche(points, options.decimales);
  const marginRight = 24;
  return Plot.plot({
    document: options.document,
    width,
    height: 280,
    marginLeft,
    marginRight,
    marginBottom: 36,
    style: { fontSize: '12px', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    ariaLabel: `Évolution de «\u00a0${options.indicateur}\u00a0»\u00a0: ${territoire?.libelle ?? ''} comparé à ses références`,
    ariaDescription: description,
    x: { type: 'point', domain: periodes, label: null, padding: 0.3, ticks: periodesEtiquetees(periodes, width - marginLeft - marginRight) },
    y: { grid: true, nice: true, label: unite === '' ? null : `↑ ${unite}`, tickFormat: (d: number) => valeur(d) },
    color: { type: 'ordinal', domain: roles, range: roles.map((role) => COULEURS[role]), legend: true, tickFormat: (role: Role) => noms.get(role) ?? role },
    marks: [
      Plot.ruleX(intervalles, { x: 'periode', y1: 'ic_bas', y2: 'ic_haut', stroke: 'role', strokeWidth: 2, strokeOpacity: 0.5 }),
      ...roles.map((role) =>
        Plot.line(
          points.filter((p) => p.role === role),
          { x: 'periode', y: 'valeur', stroke: 'role', strokeWidth: role === 'territoire' ? 3 : 1.5, strokeDasharray: TIRETS[role] },
        ),
      ),
      Plot.dot(points, { x: 'periode', y: 'valeur', fill: 'role', r: 3, title: (p: PointSerie) => `${p.nom}, ${p.periode}\u00a0: ${valeur(p.valeur)}` }),
    ],
  });
}
