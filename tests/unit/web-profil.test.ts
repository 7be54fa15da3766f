import { describe, expect, it } from 'vitest';
import { valeurVide } from '../../functions/src/core/api/valeurs.ts';
import type { Drapeau, IndicateurProfil, StatutIndicateur } from '../../functions/src/core/model/api-types.ts';
import { comparaison, EXEMPLE_FICTIF, formatValeur, intervalle, libelleApproximation, RAISONS_STATUT, referenceProfil, remarques, repartir, sourcesConnues, sourceValeur, uniteAffichee } from '../../web/src/lib/profil.ts';

// The wording of the indicator profile page: French numbers with their unit, why a value is
// missing, how it was obtained, and what each comparison says.

/** An indicator of a profile: the fields the wording reads, the rest null. */
function indicateur(champs: Partial<IndicateurProfil>): IndicateurProfil {
  return {
    ...valeurVide('ok'),
    indicateur: 'x',
    libelle: 'X',
    libelleCourt: 'X',
    unite: '%',
    decimales: 1,
    polarite: 'neutral',
    synthetique: false,
    periode: '2021',
    approximation_departement: null,
    approximation_region: null,
    approximation_france: null,
    ...champs,
  };
}

describe('values and intervals', () => {
  it('formats in French with the decimals of the indicator; a percentage carries its sign, other units go beside the label', () => {
    expect(formatValeur(17.44568, indicateur({ unite: '%', decimales: 1 }))).toBe('17,4\u00a0%');
    expect(formatValeur(24388.52, indicateur({ unite: '€ par an', decimales: 0 }))).toBe('24\u202f389');
    expect(formatValeur(6.694, indicateur({ unite: '‰', decimales: 1 }))).toBe('6,7');
    expect(formatValeur(-19.6, indicateur({ unite: '%', decimales: 1 }))).toBe('-19,6\u00a0%');
    expect(formatValeur(null, indicateur({}))).toBe('–');
    expect(uniteAffichee(indicateur({ unite: '%' }))).toBeNull();
    expect(uniteAffichee(indicateur({ unite: ' ' }))).toBeNull();
    expect(uniteAffichee(indicateur({ unite: 'pour 100 000' }))).toBe('pour 100 000');
  });

  it('gives the 95 % interval only when both limits exist', () => {
    expect(intervalle(indicateur({ ic_bas: 13.2426, ic_haut: 13.4057 }))).toBe('IC 95\u00a0%\u00a0: 13,2\u00a0% – 13,4\u00a0%');
    expect(intervalle(indicateur({ unite: '‰', ic_bas: 6.63, ic_haut: 6.76 }))).toBe('IC 95\u00a0%\u00a0: 6,6 – 6,8');
    expect(intervalle(indicateur({ ic_bas: 1, ic_haut: null }))).toBeNull();
    expect(intervalle(indicateur({}))).toBeNull();
  });
});

describe('why a value is missing, and how one was obtained', () => {
  it('has a French reason for every statut', () => {
    const statuts: StatutIndicateur[] = ['ok', 'partiel', 'masque', 'masque_secondaire', 'masque_complementaire', 'secret', 'absent', 'non_disponible', 'non_agrege', 'denominateur_nul', 'non_calculable', 'donnees_incoherentes', 'non_publie'];
    for (const s of statuts) expect(RAISONS_STATUT[s], s).toMatch(/^[a-zéèêâ]/);
    expect(Object.keys(RAISONS_STATUT).sort()).toEqual([...statuts].sort());
    // primary and secondary masks read alike (saying which would bound the count)
    expect(RAISONS_STATUT.masque).toBe('masqué\u00a0: secret statistique (petit effectif, ou protection d’un petit effectif voisin)');
    expect(RAISONS_STATUT.masque_secondaire).toBe(RAISONS_STATUT.masque);
    expect(RAISONS_STATUT.secret).toBe('secret statistique de l’Insee');
  });

  it('says when a value is approximated, covers part of the population, or rests on few events', () => {
    expect(remarques(indicateur({ valeur: 17.4, statut: 'partiel', approximation: 'moyenne-ponderee-personnes', couverture: 0.97335 }))).toEqual([
      'approché\u00a0: moyenne des communes pondérée par les personnes',
      'calculé sur 97,3\u00a0% de la population',
    ]);
    // never « 100 % » for a partial value
    expect(remarques(indicateur({ valeur: 1, statut: 'partiel', couverture: 0.99996 }))).toEqual(['calculé sur 99,9\u00a0% de la population']);
    expect(remarques(indicateur({ valeur: 1, statut: 'partiel', couverture: null }))).toEqual(['couverture partielle des communes']);
    expect(remarques(indicateur({ valeur: 12, fiabilite: 'petits_effectifs' }))).toEqual(['petits effectifs\u00a0: à interpréter avec prudence']);
    expect(remarques(indicateur({ valeur: 12 }))).toEqual([]);
    // no value: the reason says it all
    expect(remarques(indicateur({ valeur: null, statut: 'secret', approximation: 'moyenne-ponderee-personnes' }))).toEqual([]);
    expect(libelleApproximation('inconnue')).toBe('valeur approchée (non publiée pour ce périmètre)');
  });
});

describe('comparisons', () => {
  it('words every flag, and whether it is good news', () => {
    const attendus: Array<[Drapeau, string, string]> = [
      ['similar', 'pas d’écart significatif', 'neutre'],
      ['higher_worse', 'plus élevé · défavorable', 'defavorable'],
      ['higher_better', 'plus élevé · favorable', 'favorable'],
      ['lower_better', 'plus bas · favorable', 'favorable'],
      ['lower_worse', 'plus bas · défavorable', 'defavorable'],
      ['higher', 'plus élevé', 'neutre'],
      ['lower', 'plus bas', 'neutre'],
      ['not_computable', 'écart non testable', 'neutre'],
    ];
    for (const [d, texte, ton] of attendus) expect(comparaison(d), d).toEqual({ texte, ton });
    expect(comparaison(null)).toBeNull();
  });

  it('draws no comparison for a synthetic example, nor without a value, and says what an example is', () => {
    const reel = indicateur({ valeur: 700, valeur_france: 650, drapeau_france: 'higher_worse' });
    expect(referenceProfil(reel, 'france')).toEqual({ valeur: 650, comparaison: { texte: 'plus élevé · défavorable', ton: 'defavorable' }, approximation: null });
    expect(referenceProfil({ ...reel, synthetique: true }, 'france')).toEqual({ valeur: 650, comparaison: null, approximation: null });
    expect(referenceProfil({ ...reel, valeur: null }, 'france')).toEqual({ valeur: 650, comparaison: null, approximation: null });
    // an approximated reference (the France median, averaged over communes) says so
    expect(referenceProfil({ ...reel, approximation_france: 'moyenne-ponderee-personnes' }, 'france').approximation).toBe(
      'approché\u00a0: moyenne des communes pondérée par les personnes',
    );
    expect(referenceProfil({ ...reel, valeur_france: null, approximation_france: 'moyenne-ponderee-personnes' }, 'france').approximation).toBeNull();
    expect(remarques({ ...reel, synthetique: true })).toEqual([EXEMPLE_FICTIF]);
    expect(EXEMPLE_FICTIF).toBe('exemple fictif\u00a0: données synthétiques, à ne pas utiliser');
  });

  it('lists apart the indicators not available at the level, keeping the order', () => {
    const r = repartir([indicateur({ indicateur: 'a' }), indicateur({ indicateur: 'b', statut: 'non_disponible' }), indicateur({ indicateur: 'c', statut: 'secret' })]);
    expect(r.affiches.map((i) => i.indicateur)).toEqual(['a', 'c']);
    expect(r.indisponibles.map((i) => i.indicateur)).toEqual(['b']);
  });
});

describe('source of each value', () => {
  // two datasets as GET /api/sources describes them (fields the line reads; versions left out)
  const sources = sourcesConnues({
    sources: [
      { dataset: 'comparateur', libelle: 'Base du comparateur de territoires', producteur: 'Insee', jeuDeDonnees: '', licence: '', versions: [] },
      { dataset: 'geoclip', libelle: 'Exports Géoclip', producteur: 'Insee, ARS / CartoSanté, ANCT / Observatoire des territoires (selon l’export)', jeuDeDonnees: '', licence: '', versions: [] },
    ],
  });

  it('names the dataset, its producer when short, and the millésime', () => {
    expect(sourceValeur(indicateur({ source: 'comparateur', millesime: '2022' }), sources)).toBe('Source\u00a0: Base du comparateur de territoires (Insee), millésime 2022');
    expect(sourceValeur(indicateur({ source: 'geoclip', millesime: '2026' }), sources)).toBe('Source\u00a0: Exports Géoclip, millésime 2026');
    // several datasets (a standardised rate), an unknown one, no list of sources at all
    expect(sourceValeur(indicateur({ source: 'comparateur,inconnu,comparateur', millesime: '2022' }), sources)).toBe('Source\u00a0: Base du comparateur de territoires (Insee) ; inconnu, millésime 2022');
    expect(sourceValeur(indicateur({ source: 'comparateur', millesime: '2022' }), null)).toBe('Source\u00a0: comparateur, millésime 2022');
    expect(sourceValeur(indicateur({ source: null }), sources)).toBeNull();
  });
});
