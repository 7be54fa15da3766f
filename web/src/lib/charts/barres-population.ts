/**
 * Horizontal bar chart of the population municipale of a territory's member communes.
 * Pure builder: `(rows, options) → SVGElement`, no global DOM access — the caller passes the
 * `document` (the browser's in `PlotFigure.svelte`, a linkedom one in tests/charts).
 */
import * as Plot from '@observablehq/plot';
import { formatNombre } from '@sante-territoires/functions/core/model/format.ts';

export interface LignePopulation {
  /** Commune code, always a string ('42218', '2A004'). */
  code: string;
  libelle: string;
  population: number | null;
}

export interface OptionsBarresPopulation {
  document: Document;
  /** Name of the territory, used in the accessible label ("… de Saint-Étienne Métropole"). */
  territoire: string;
  /** Number of member communes of the territory (default: `rows.length`). */
  total?: number;
  /** Bars drawn at most, the most populated first (default 25). */
  maximum?: number;
  /** Width in pixels (default 640). */
  width?: number;
  /** Provenance appended to the accessible description, e.g. "Source : Insee, …". */
  source?: string;
}

export const MAXIMUM_BARRES = 25;

const HAUTEUR_BARRE = 24;
const MARGE_HAUT = 36;
const MARGE_BAS = 12;
const COULEUR_BARRE = '#1d4f91';

/** Largest population first; ties by name, then code, so the order is stable. */
function comparer(a: LignePopulation, b: LignePopulation): number {
  return (
    (b.population ?? 0) - (a.population ?? 0) ||
    a.libelle.localeCompare(b.libelle, 'fr') ||
    a.code.localeCompare(b.code)
  );
}

/** Rows actually drawn: communes with a value, most populated first, at most `maximum`. */
export function lignesAffichees(rows: readonly LignePopulation[], maximum = MAXIMUM_BARRES): LignePopulation[] {
  return rows
    .filter((r): r is LignePopulation & { population: number } => r.population !== null && Number.isFinite(r.population))
    .sort(comparer)
    .slice(0, maximum);
}

/** "25 communes les plus peuplées sur 53", or "Les 12 communes" when nothing is left out. */
export function legendeBarres(affichees: number, total: number): string {
  if (affichees >= total) return affichees === 1 ? 'La commune' : `Les ${formatNombre(affichees)} communes`;
  return `${formatNombre(affichees)} communes les plus peuplées sur ${formatNombre(total)}`;
}

/** Rough width of a character in the chart's 12px system font, to size the left margin. */
const LARGEUR_CARACTERE = 6.6;

function largeurTexte(texte: string): number {
  return Math.ceil(texte.length * LARGEUR_CARACTERE);
}

function abreger(texte: string, max: number): string {
  return texte.length <= max ? texte : `${texte.slice(0, max - 1)}…`;
}

export function barresPopulation(
  rows: readonly LignePopulation[],
  options: OptionsBarresPopulation,
): SVGSVGElement | HTMLElement {
  const maximum = options.maximum ?? MAXIMUM_BARRES;
  const total = options.total ?? rows.length;
  const donnees = lignesAffichees(rows, maximum);
  const libelles = new Map(donnees.map((d) => [d.code, d.libelle]));
  const width = Math.max(280, Math.round(options.width ?? 640));
  // The names take at most 40 % of the width (200 px); longer ones are shortened with "…"
  // (the table gives them in full).
  const margeGaucheMax = Math.min(200, Math.round(width * 0.4));
  const caracteresMax = Math.floor((margeGaucheMax - 12) / LARGEUR_CARACTERE);
  const etiquette = (libelle: string): string => abreger(libelle, caracteresMax);
  const marginLeft = Math.min(
    margeGaucheMax,
    Math.max(80, ...donnees.map((d) => largeurTexte(etiquette(d.libelle)) + 12)),
  );
  const valeur = (d: LignePopulation): string => formatNombre(d.population);
  const legende = legendeBarres(donnees.length, total);
  const premiere = donnees[0];

  const description = [
    `Diagramme en barres horizontales : ${legende.charAt(0).toLowerCase()}${legende.slice(1)}, classées par population municipale décroissante.`,
    premiere ? `La plus peuplée est ${premiere.libelle} (${valeur(premiere)} habitants).` : 'Aucune valeur à afficher.',
    'Les valeurs sont reprises dans le tableau qui suit.',
    options.source ?? '',
  ]
    .filter(Boolean)
    .join(' ');

  const figure = Plot.plot({
    document: options.document,
    width,
    height: MARGE_HAUT + MARGE_BAS + HAUTEUR_BARRE * Math.max(1, donnees.length),
    marginTop: MARGE_HAUT,
    marginBottom: MARGE_BAS,
    marginLeft,
    marginRight: 72,
    style: { fontSize: '12px', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    // « territoire : … » rather than « de territoire » (no article nor elision to guess: « de la Métropole », « d’Ajaccio »)
    ariaLabel: `Population municipale, ${options.territoire} : ${legende.charAt(0).toLowerCase()}${legende.slice(1)}`,
    ariaDescription: description,
    x: {
      axis: 'top',
      grid: true,
      nice: true,
      label: 'Population municipale (habitants) →',
      labelAnchor: 'left',
      tickFormat: (d: number) => formatNombre(d),
      ticks: Math.max(2, Math.floor((width - marginLeft - 72) / 70)),
    },
    y: {
      type: 'band',
      domain: donnees.map((d) => d.code),
      label: null,
      padding: 0.2,
      tickSize: 0,
      tickFormat: (code: string) => etiquette(libelles.get(code) ?? code),
    },
    marks: [
      Plot.barX(donnees, {
        x: 'population',
        y: 'code',
        fill: COULEUR_BARRE,
        title: (d: LignePopulation) => `${d.libelle} : ${valeur(d)} habitants`,
      }),
      Plot.text(donnees, {
        x: 'population',
        y: 'code',
        text: valeur,
        textAnchor: 'start',
        dx: 4,
        fill: 'currentColor',
      }),
      Plot.ruleX([0]),
    ],
  });
  // One image for assistive technologies, named by ariaLabel/ariaDescription; its values are in
  // the table that follows the chart.
  figure.setAttribute('role', 'img');
  return figure;
}
