/**
 * Real rows for the chart snapshots. Population municipale, INSEE populations légales millésime
 * 2023 (in force on 1 January 2026), file ../shared/data/insee/populations-legales/donnees_communes.csv
 * (column PMUN); EPCI membership from @etalab/decoupage-administratif 6.0.0 (COG 2026), data/epci.json.
 * Paris, Marseille and Lyon are the sums of their arrondissements in that file.
 */
import type { LignePopulation } from '../../web/src/lib/charts/barres-population.ts';

/** Saint-Étienne Métropole (EPCI 244200770): all 53 member communes, in the file's order. */
export const SAINT_ETIENNE_METROPOLE: LignePopulation[] = [
  { code: '42218', libelle: 'Saint-Étienne', population: 173136 },
  { code: '42207', libelle: 'Saint-Chamond', population: 35646 },
  { code: '42095', libelle: 'Firminy', population: 17060 },
  { code: '42186', libelle: 'Rive-de-Gier', population: 15242 },
  { code: '42044', libelle: 'Le Chambon-Feugerolles', population: 12314 },
  { code: '42005', libelle: 'Andrézieux-Bouthéon', population: 10425 },
  { code: '42189', libelle: 'Roche-la-Molière', population: 9843 },
  { code: '42316', libelle: 'Unieux', population: 8514 },
  { code: '42302', libelle: 'Sorbiers', population: 8116 },
  { code: '42183', libelle: 'La Ricamarie', population: 8039 },
  { code: '42330', libelle: 'Villars', population: 7664 },
  { code: '42305', libelle: 'La Talaudière', population: 7133 },
  { code: '42237', libelle: 'Saint-Jean-Bonnefonds', population: 6563 },
  { code: '42275', libelle: 'Saint-Priest-en-Jarez', population: 6471 },
  { code: '42223', libelle: 'Saint-Genest-Lerpt', population: 6181 },
  { code: '42222', libelle: 'Saint-Galmier', population: 5829 },
  { code: '42123', libelle: 'Lorette', population: 4983 },
  { code: '42103', libelle: 'La Grand-Croix', population: 4947 },
  { code: '42110', libelle: "L'Horme", population: 4806 },
  { code: '42271', libelle: 'Saint-Paul-en-Jarez', population: 4699 },
  { code: '42097', libelle: 'La Fouillouse', population: 4630 },
  { code: '42099', libelle: 'Fraisses', population: 3872 },
  { code: '42225', libelle: 'Genilac', population: 3839 },
  { code: '42259', libelle: 'Saint-Martin-la-Plaine', population: 3764 },
  { code: '42234', libelle: 'Saint-Héand', population: 3665 },
  { code: '42092', libelle: "L'Étrat", population: 2879 },
  { code: '42242', libelle: 'Saint-Joseph', population: 1996 },
  { code: '42208', libelle: 'Saint-Christo-en-Jarez', population: 1885 },
  { code: '42262', libelle: 'Saint-Maurice-en-Gourgois', population: 1827 },
  { code: '42206', libelle: 'Saint-Bonnet-les-Oules', population: 1821 },
  { code: '42043', libelle: 'Chambœuf', population: 1767 },
  { code: '42032', libelle: 'Cellieu', population: 1731 },
  { code: '42053', libelle: 'Châteauneuf', population: 1724 },
  { code: '42311', libelle: 'La Tour-en-Jarez', population: 1495 },
  { code: '42093', libelle: 'Farnay', population: 1355 },
  { code: '42270', libelle: 'Saint-Paul-en-Cornillon', population: 1352 },
  { code: '42283', libelle: 'Saint-Romain-en-Jarez', population: 1206 },
  { code: '42322', libelle: 'La Valla-en-Gier', population: 1140 },
  { code: '42307', libelle: 'Tartaras', population: 958 },
  { code: '42085', libelle: 'Doizieux', population: 856 },
  { code: '42308', libelle: 'La Terrasse-sur-Dorlay', population: 778 },
  { code: '42320', libelle: 'Valfleury', population: 739 },
  { code: '42133', libelle: 'Marcenod', population: 698 },
  { code: '42096', libelle: 'Fontanès', population: 690 },
  { code: '42266', libelle: 'Saint-Nizier-de-Fornas', population: 655 },
  { code: '42036', libelle: 'Chagnon', population: 527 },
  { code: '42083', libelle: 'Dargoire', population: 524 },
  { code: '42001', libelle: 'Aboën', population: 481 },
  { code: '42210', libelle: 'Sainte-Croix-en-Jarez', population: 480 },
  { code: '42192', libelle: "Rozier-Côtes-d'Aurec", population: 437 },
  { code: '42167', libelle: 'Pavezin', population: 400 },
  { code: '42031', libelle: 'Caloire', population: 330 },
  { code: '42100', libelle: 'La Gimond', population: 279 },
];

/**
 * CA du Pays Ajaccien (EPCI 242010056): its 10 communes, Corsican codes with a letter ('2A004').
 * Listed here in code order, not by population, to check that the builder sorts.
 */
export const PAYS_AJACCIEN: LignePopulation[] = [
  { code: '2A001', libelle: 'Afa', population: 3350 },
  { code: '2A004', libelle: 'Ajaccio', population: 76320 },
  { code: '2A006', libelle: 'Alata', population: 3681 },
  { code: '2A017', libelle: 'Appietto', population: 1749 },
  { code: '2A103', libelle: 'Cuttoli-Corticchiato', population: 2060 },
  { code: '2A209', libelle: 'Peri', population: 2044 },
  { code: '2A271', libelle: 'Sarrola-Carcopino', population: 3278 },
  { code: '2A323', libelle: 'Tavaco', population: 414 },
  { code: '2A336', libelle: 'Valle-di-Mezzana', population: 537 },
  { code: '2A351', libelle: 'Villanova', population: 402 },
];

/** The 12 most populated communes of France (34 858 communes in the file once PLM are summed). */
export const FRANCE_PLUS_PEUPLEES: LignePopulation[] = [
  { code: '75056', libelle: 'Paris', population: 2103778 },
  { code: '13055', libelle: 'Marseille', population: 886040 },
  { code: '69123', libelle: 'Lyon', population: 519127 },
  { code: '31555', libelle: 'Toulouse', population: 514819 },
  { code: '06088', libelle: 'Nice', population: 357737 },
  { code: '44109', libelle: 'Nantes', population: 327734 },
  { code: '34172', libelle: 'Montpellier', population: 310240 },
  { code: '67482', libelle: 'Strasbourg', population: 293771 },
  { code: '33063', libelle: 'Bordeaux', population: 267991 },
  { code: '59350', libelle: 'Lille', population: 238246 },
  { code: '35238', libelle: 'Rennes', population: 230890 },
  { code: '83137', libelle: 'Toulon', population: 179116 },
];

export const SOURCE =
  'Source : Insee, Recensement de la population, populations légales, millésime 2023 (en vigueur au 1er janvier 2026), géographie COG 2026.';
