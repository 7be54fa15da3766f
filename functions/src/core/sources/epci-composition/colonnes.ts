import type { ColonneTable } from '../adapter.ts';

/** Staging columns shared by the INSEE and DGCL EPCI composition files (see normalize.sql). */
export const COLONNES_EPCI: readonly ColonneTable[] = [
  { nom: 'ligne', type: 'INTEGER' },
  { nom: 'code_commune', type: 'VARCHAR' },
  { nom: 'libelle_commune', type: 'VARCHAR' },
  { nom: 'siren_commune', type: 'VARCHAR' },
  { nom: 'code_departement', type: 'VARCHAR' },
  { nom: 'code_region', type: 'VARCHAR' },
  { nom: 'epci', type: 'VARCHAR' },
  { nom: 'libelle_epci', type: 'VARCHAR' },
  { nom: 'nature_juridique', type: 'VARCHAR' },
  { nom: 'mode_financement', type: 'VARCHAR' },
  { nom: 'code_departement_epci', type: 'VARCHAR' },
  { nom: 'pmun', type: 'INTEGER' },
  { nom: 'ptot', type: 'INTEGER' },
  { nom: 'annee_population', type: 'INTEGER' },
];

export const SANS_EPCI = 'ZZZZZZZZZ';
export const RE_COM = /^(?:\d{5}|2[AB]\d{3})$/;
export const RE_DEP = /^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8])$/;
export const RE_SIREN = /^\d{9}$/;
