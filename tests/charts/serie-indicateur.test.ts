import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { valeurVide } from '../../functions/src/core/api/valeurs.ts';
import type { SeriesReponse, ValeurIndicateur } from '../../functions/src/core/model/api-types.ts';
import { courbesSerie, margeGauche, nomSerie, periodesEtiquetees, periodesSerie, pointsSerie } from '../../web/src/lib/charts/serie-indicateur.ts';

function nouveauDocument(): Document {
  return parseHTML('<!doctype html><html lang="fr"><head></head><body></body></html>').document as unknown as Document;
}

/** A value of a series: the fields the chart reads, the rest null. */
function v(periode: string, valeur: number | null, champs: Partial<ValeurIndicateur> = {}): { periode: string } & ValeurIndicateur {
  return { ...valeurVide(valeur === null ? 'secret' : 'partiel'), periode, valeur, origine: 'calcule', source: 'filosofi-cc', millesime: periode, ...champs };
}

// Poverty rate of Métropole de Lyon and its references, as the API computes it from data/
// (values rounded to 4 decimals; the other fields of each value left out).
const LYON: SeriesReponse = {
  indicateur: 'taux-pauvrete',
  territoire: { niveau: 'epci', code: '200046977', libelle: 'Métropole de Lyon' },
  series: [
    { role: 'territoire', niveau: 'epci', code: '200046977', libelle: 'Métropole de Lyon', valeurs: [v('2015', 16.0967), v('2019', 16.625), v('2020', 16.3983), v('2021', 17.4457)] },
    { role: 'departement', niveau: 'departement', code: '69', libelle: 'Rhône', valeurs: [v('2015', 13.9539), v('2019', 15.6258), v('2020', 15.4529), v('2021', 16.464)] },
    { role: 'region', niveau: 'region', code: '84', libelle: 'Auvergne-Rhône-Alpes', valeurs: [v('2015', 12.8075), v('2019', 14.9153), v('2020', 14.8397), v('2021', 15.5964)] },
    { role: 'france', niveau: 'france', code: 'FR', libelle: 'France', valeurs: [v('2015', 17.1275), v('2019', 16.705), v('2020', 16.5422), v('2021', 17.284)] },
  ],
};

/** The chart itself (with its legend, Plot wraps it in a figure beside the swatches' svgs). */
const graphique = (figure: Element): Element => (figure.tagName.toLowerCase() === 'svg' ? figure : figure.querySelector('svg[aria-label]')!);

const OPTIONS = { indicateur: 'Taux de pauvreté', unite: '%', decimales: 1, width: 640 };

describe('courbesSerie', () => {
  it('draws one line per series over the periods, the territory first, with a French legend and accessible text', () => {
    const figure = courbesSerie(LYON, { ...OPTIONS, document: nouveauDocument() });
    const svg = graphique(figure);
    expect(svg.getAttribute('aria-label')).toBe('Évolution de «\u00a0Taux de pauvreté\u00a0»\u00a0: Métropole de Lyon comparé à ses références');
    const description = svg.getAttribute('aria-description') ?? '';
    expect(description).toContain('(2015, 2019, 2020, 2021)');
    expect(description).toContain('Métropole de Lyon, Rhône (département), Auvergne-Rhône-Alpes (région), France');
    expect(description).toContain('Dernière valeur de Métropole de Lyon\u00a0: 17,4\u00a0% en 2021.');
    // 4 lines, 16 dots, the periods on the x axis, French decimals on the y axis
    expect(svg.querySelectorAll('[aria-label="line"] path')).toHaveLength(4);
    expect(svg.querySelectorAll('[aria-label="dot"] circle')).toHaveLength(16);
    const ticksX = [...svg.querySelectorAll('[aria-label="x-axis tick label"] text')].map((n) => n.textContent);
    expect(ticksX).toEqual(['2015', '2019', '2020', '2021']);
    const ticksY = [...svg.querySelectorAll('[aria-label="y-axis tick label"] text')].map((n) => n.textContent ?? '');
    expect(ticksY.length).toBeGreaterThan(2);
    for (const t of ticksY) expect(t).toMatch(/^\d+,\d$/);
    // the legend names the series (Plot draws it beside the chart)
    expect(figure.textContent).toContain('Rhône (département)');
    // the territory's line stands out: thicker and solid
    const traits = [...svg.querySelectorAll('[aria-label="line"]')].map((g) => g.getAttribute('stroke-width'));
    expect(traits[0]).toBe('3');
  });

  it('leaves out the periods without a value (secret, say) but keeps them on the axis; intervals as rules', () => {
    // edge case no real series has in one place: a secret period and intervals (synthetic values)
    const serie: SeriesReponse = {
      ...LYON,
      series: [
        { ...LYON.series[0]!, valeurs: [v('2013-2018', 6.7, { ic_bas: 6.6, ic_haut: 6.8 }), v('2014-2019', null), v('2015-2020', 6.9, { ic_bas: 6.8, ic_haut: 7.0 })] },
        { ...LYON.series[3]!, valeurs: [v('2013-2018', 8.8), v('2014-2019', 8.9), v('2015-2020', 9.1)] },
      ],
    };
    expect(periodesSerie(serie)).toEqual(['2013-2018', '2014-2019', '2015-2020']);
    expect(pointsSerie(serie).filter((p) => p.role === 'territoire').map((p) => p.periode)).toEqual(['2013-2018', '2015-2020']);
    const figure = courbesSerie(serie, { ...OPTIONS, unite: '‰', document: nouveauDocument() });
    const svg = graphique(figure);
    expect(svg.querySelectorAll('[aria-label="dot"] circle')).toHaveLength(5);
    expect(svg.querySelectorAll('[aria-label="rule"] line')).toHaveLength(2);
    expect([...svg.querySelectorAll('[aria-label="x-axis tick label"] text')].map((n) => n.textContent)).toEqual(['2013-2018', '2014-2019', '2015-2020']);
  });

  it('orders periods as the API does (by last year, then first year), points too, whatever the order received', () => {
    // synthetic periods of different lengths (no real series mixes them)
    const serie: SeriesReponse = { ...LYON, series: [{ ...LYON.series[0]!, valeurs: [v('2015-2019', 2), v('2010-2020', 3), v('2014', 1)] }] };
    expect(periodesSerie(serie)).toEqual(['2014', '2015-2019', '2010-2020']);
    expect(pointsSerie(serie).map((p) => p.valeur)).toEqual([1, 2, 3]);
    // no unit: no empty label
    const figure = courbesSerie(serie, { ...OPTIONS, unite: ' ', document: nouveauDocument() });
    expect(graphique(figure).querySelector('[aria-label="y-axis label"]')).toBeNull();
    expect(graphique(figure).getAttribute('aria-description')).toContain('\u00a0: 3,0 en 2010-2020.');
  });

  it('labels one period in every few when they would overlap, the latest always; legends only the series drawn', () => {
    // 47 yearly periods (1975 to 2021), as the census age structure of a département has
    const annees = Array.from({ length: 47 }, (_, i) => String(1975 + i));
    const longue: SeriesReponse = {
      ...LYON,
      series: [
        { ...LYON.series[0]!, valeurs: annees.map((a, i) => v(a, 10 + i / 10)) },
        // a reference without any value: no line, so no legend entry
        { ...LYON.series[3]!, valeurs: annees.map((a) => v(a, null)) },
      ],
    };
    const figure = courbesSerie(longue, { ...OPTIONS, document: nouveauDocument() });
    const svg = graphique(figure);
    const ticksX = [...svg.querySelectorAll('[aria-label="x-axis tick label"] text')].map((n) => n.textContent);
    expect(ticksX.at(-1)).toBe('2021');
    expect(ticksX.length).toBeLessThan(annees.length);
    // each label has room: 4 characters of ~7 px and a gap, within the plot's width
    expect(ticksX.length * (4 * 7 + 12)).toBeLessThanOrEqual(640);
    expect(figure.textContent).not.toContain('France');
    expect(periodesEtiquetees(['2015', '2019', '2020', '2021'], 560)).toEqual(['2015', '2019', '2020', '2021']);
    expect(periodesEtiquetees(annees, 200)).toEqual(['1981', '1991', '2001', '2011', '2021']);
  });

  it('leaves the y axis room for its widest label (the population of France is not a rate)', () => {
    const point = (valeur: number) => ({ role: 'territoire' as const, nom: 'France', periode: '2023', valeur, ic_bas: null, ic_haut: null });
    expect(margeGauche([point(6.8)], 1)).toBe(48);
    // « 68 373 433 »: 10 characters, one more for a nice tick beyond the data
    expect(margeGauche([point(68_373_433)], 0)).toBe(11 * 7 + 16);
    expect(margeGauche([], 0)).toBe(48);
  });

  it('says so when the territory has no value at all', () => {
    const vide: SeriesReponse = { ...LYON, series: [{ ...LYON.series[0]!, valeurs: [v('2021', null)] }, LYON.series[3]!] };
    const figure = courbesSerie(vide, { ...OPTIONS, document: nouveauDocument() });
    const svg = graphique(figure);
    expect(svg.getAttribute('aria-description')).toContain('Aucune valeur pour ce territoire.');
    expect(nomSerie(LYON.series[2]!)).toBe('Auvergne-Rhône-Alpes (région)');
  });
});
