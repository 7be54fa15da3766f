import type {
  CatalogueReponse,
  CommunesIndicateurReponse,
  CommunesReponse,
  IndicateurProfil,
  ProfilReponse,
  SeriesReponse,
  ValeursReponse,
} from '../model/api-types.ts';
import { versCsv, type ColonneCsv } from './csv.ts';
import { colonnesCsvValeur } from './valeurs.ts';

/** The CSV form of each table of the API: the columns naming a row, then the value columns. */

export function catalogueCsv(r: CatalogueReponse): string {
  type L = CatalogueReponse['indicateurs'][number];
  const colonnes: Array<ColonneCsv<L>> = [
    { entete: 'indicateur', valeur: (l) => l.id },
    { entete: 'libellé', valeur: (l) => l.libelle },
    { entete: 'libellé court', valeur: (l) => l.libelleCourt },
    { entete: 'thème', valeur: (l) => l.libelleTheme },
    { entete: 'portrait', valeur: (l) => l.portrait },
    { entete: 'unité', valeur: (l) => l.unite },
    { entete: 'décimales', valeur: (l) => l.decimales },
    { entete: 'polarité', valeur: (l) => l.polarite },
    { entete: 'méthode', valeur: (l) => l.methode },
    { entete: 'niveaux', valeur: (l) => l.niveaux.join(', ') },
    { entete: 'périodes', valeur: (l) => l.periodes.join(', ') },
    { entete: 'synthétique', valeur: (l) => l.synthetique },
    { entete: 'calculé', valeur: (l) => l.calcule },
  ];
  return versCsv(colonnes, r.indicateurs);
}

export function valeursCsv(r: ValeursReponse): string {
  type L = ValeursReponse['valeurs'][number];
  const colonnes: Array<ColonneCsv<L>> = [{ entete: 'code', valeur: (l) => l.code }, { entete: 'libellé', valeur: (l) => l.libelle }, ...colonnesCsvValeur<L>()];
  return versCsv(colonnes, r.valeurs);
}

export function profilCsv(r: ProfilReponse): string {
  type L = IndicateurProfil & { portrait: string; theme: string };
  const colonnes: Array<ColonneCsv<L>> = [
    { entete: 'portrait', valeur: (l) => l.portrait },
    { entete: 'thème', valeur: (l) => l.theme },
    { entete: 'indicateur', valeur: (l) => l.indicateur },
    { entete: 'libellé', valeur: (l) => l.libelle },
    { entete: 'unité', valeur: (l) => l.unite },
    { entete: 'période', valeur: (l) => l.periode },
    ...colonnesCsvValeur<L>(),
    { entete: 'approximation valeur département', valeur: (l) => l.approximation_departement },
    { entete: 'approximation valeur région', valeur: (l) => l.approximation_region },
    { entete: 'approximation valeur France', valeur: (l) => l.approximation_france },
  ];
  const lignes = r.portraits.flatMap((p) => p.themes.flatMap((t) => t.indicateurs.map((i) => ({ ...i, portrait: p.libelle, theme: t.libelle }))));
  return versCsv(colonnes, lignes);
}

export function seriesCsv(r: SeriesReponse): string {
  type S = SeriesReponse['series'][number];
  type L = S['valeurs'][number] & { serie: S };
  const colonnes: Array<ColonneCsv<L>> = [
    { entete: 'rôle', valeur: (l) => l.serie.role },
    { entete: 'niveau', valeur: (l) => l.serie.niveau },
    { entete: 'code', valeur: (l) => l.serie.code },
    { entete: 'libellé', valeur: (l) => l.serie.libelle },
    { entete: 'période', valeur: (l) => l.periode },
    ...colonnesCsvValeur<L>(),
  ];
  return versCsv(colonnes, r.series.flatMap((serie) => serie.valeurs.map((v) => ({ ...v, serie }))));
}

export function communesIndicateurCsv(r: CommunesIndicateurReponse): string {
  type L = CommunesIndicateurReponse['communes'][number];
  const colonnes: Array<ColonneCsv<L>> = [
    { entete: 'code', valeur: (l) => l.code },
    { entete: 'libellé', valeur: (l) => l.libelle },
    { entete: 'population', valeur: (l) => l.population },
    ...colonnesCsvValeur<L>(),
  ];
  return versCsv(colonnes, r.communes);
}

export function communesCsv(r: CommunesReponse): string {
  type L = CommunesReponse['communes'][number];
  const colonnes: Array<ColonneCsv<L>> = [
    { entete: 'code', valeur: (l) => l.code },
    { entete: 'libellé', valeur: (l) => l.libelle },
    { entete: 'population', valeur: (l) => l.population },
    { entete: 'statut', valeur: (l) => l.statut },
  ];
  return versCsv(colonnes, r.communes);
}
