import { parseHTML } from 'linkedom';
import { describe, expect, it, vi } from 'vitest';
import {
  barresPopulation,
  legendeBarres,
  lignesAffichees,
} from '../../web/src/lib/charts/barres-population.ts';
import { FRANCE_PLUS_PEUPLEES, PAYS_AJACCIEN, SAINT_ETIENNE_METROPOLE, SOURCE } from './fixtures.ts';

/** Intl's French thousands separator: U+202F NARROW NO-BREAK SPACE. */
const NNBSP = '\u202f';

function nouveauDocument(): Document {
  return parseHTML('<!doctype html><html lang="fr"><head></head><body></body></html>').document as unknown as Document;
}

/** One tag per line, so that a snapshot diff points at the element that changed. */
function serialiser(figure: Element): string {
  return `${figure.outerHTML.replace(/></g, '>\n<')}\n`;
}

function textes(figure: Element, selecteur: string): string[] {
  return [...figure.querySelectorAll(selecteur)].map((n) => n.textContent ?? '');
}

describe('barresPopulation', () => {
  it('draws the 25 most populated of the 53 communes of Saint-Étienne Métropole', async () => {
    const figure = barresPopulation(SAINT_ETIENNE_METROPOLE, {
      document: nouveauDocument(),
      territoire: 'Saint-Étienne Métropole',
      width: 640,
      source: SOURCE,
    });
    expect(figure.tagName.toLowerCase()).toBe('svg');
    expect(figure.getAttribute('role')).toBe('img');
    expect(figure.querySelectorAll('rect')).toHaveLength(25);
    expect(figure.getAttribute('aria-label')).toBe(
      'Population municipale, Saint-Étienne Métropole : 25 communes les plus peuplées sur 53',
    );
    const description = figure.getAttribute('aria-description') ?? '';
    expect(description).toContain(`La plus peuplée est Saint-Étienne (173${NNBSP}136 habitants).`);
    expect(description).toContain('millésime 2023');

    // French tick labels, with the narrow no-break space as thousands separator.
    const ticksX = textes(figure, '[aria-label="x-axis tick label"] text');
    expect(ticksX).toContain(`100${NNBSP}000`);
    expect(ticksX.every((t) => /^\d{1,3}(\u202f\d{3})*$/.test(t))).toBe(true);
    // Value labels at the end of the bars, and commune names (not codes) on the y axis.
    expect(textes(figure, 'g[aria-label="text"] text')[0]).toBe(`173${NNBSP}136`);
    const ticksY = textes(figure, '[aria-label="y-axis tick label"] text');
    expect(ticksY.slice(0, 3)).toEqual(['Saint-Étienne', 'Saint-Chamond', 'Firminy']);
    expect(ticksY).not.toContain('42218');
    // Native tooltip on each bar.
    expect(figure.querySelector('rect title')?.textContent).toBe(`Saint-Étienne : 173${NNBSP}136 habitants`);

    await expect(serialiser(figure)).toMatchFileSnapshot('__snapshots__/barres-saint-etienne-metropole.svg');
  });

  it('sorts the 10 communes of the Pays Ajaccien, keeps Corsican codes as strings, without warnings', async () => {
    const avertissement = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const figure = barresPopulation(PAYS_AJACCIEN, {
        document: nouveauDocument(),
        territoire: 'CA du Pays Ajaccien',
        width: 480,
      });
      expect(figure.querySelectorAll('rect')).toHaveLength(10);
      expect(figure.getAttribute('aria-label')).toBe(
        'Population municipale, CA du Pays Ajaccien : les 10 communes',
      );
      const ticksY = textes(figure, '[aria-label="y-axis tick label"] text');
      expect(ticksY[0]).toBe('Ajaccio');
      expect(ticksY.at(-1)).toBe('Villanova');
      expect(textes(figure, '[aria-label="x-axis tick label"] text')).toContain(`20${NNBSP}000`);
      await expect(serialiser(figure)).toMatchFileSnapshot('__snapshots__/barres-pays-ajaccien.svg');
      expect(avertissement).not.toHaveBeenCalled();
    } finally {
      avertissement.mockRestore();
    }
  });

  it('formats millions on a France-wide chart', async () => {
    const figure = barresPopulation(FRANCE_PLUS_PEUPLEES, {
      document: nouveauDocument(),
      territoire: 'France',
      total: 34_858,
      maximum: 10,
      width: 720,
    });
    expect(figure.querySelectorAll('rect')).toHaveLength(10);
    expect(figure.getAttribute('aria-label')).toBe(
      `Population municipale, France : 10 communes les plus peuplées sur 34${NNBSP}858`,
    );
    const ticksX = textes(figure, '[aria-label="x-axis tick label"] text');
    expect(ticksX).toContain(`1${NNBSP}000${NNBSP}000`);
    expect(ticksX).toContain(`2${NNBSP}000${NNBSP}000`);
    expect(textes(figure, 'g[aria-label="text"] text')[0]).toBe(`2${NNBSP}103${NNBSP}778`);
    await expect(serialiser(figure)).toMatchFileSnapshot('__snapshots__/barres-france.svg');
  });

  it('leaves out communes without a value', () => {
    const rows = [...PAYS_AJACCIEN.slice(0, 3), { code: '2A323', libelle: 'Tavaco', population: null }];
    expect(lignesAffichees(rows).map((r) => r.code)).toEqual(['2A004', '2A006', '2A001']);
    const figure = barresPopulation(rows, { document: nouveauDocument(), territoire: 'test', width: 400 });
    expect(figure.querySelectorAll('rect')).toHaveLength(3);
  });
});

describe('legendeBarres', () => {
  it('says when the chart is truncated', () => {
    expect(legendeBarres(25, 53)).toBe('25 communes les plus peuplées sur 53');
    expect(legendeBarres(25, 1234)).toBe(`25 communes les plus peuplées sur 1${NNBSP}234`);
    expect(legendeBarres(10, 10)).toBe('Les 10 communes');
    expect(legendeBarres(1, 1)).toBe('La commune');
  });
});
