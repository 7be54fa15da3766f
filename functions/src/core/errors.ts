/**
 * Application errors. Each carries a machine `code`; domain errors are French nouns + `Error`.
 * Expected misses (bad parameter, unknown territory, bad extract) are mapped to 4xx or to a
 * quarantine report; anything else is an I/O or engine failure, rethrown with its cause.
 */

export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A request parameter is invalid (→ 400). `parametre` names it. */
export class ParametreInvalideError extends AppError {
  readonly parametre: string;
  constructor(parametre: string, message: string) {
    super('parametre_invalide', message);
    this.parametre = parametre;
  }
}

/** « aucune commune », « aucun EPCI »…: the level in words, with its gender. */
const AUCUN_TERRITOIRE: Readonly<Record<string, string>> = {
  commune: 'aucune commune',
  epci: 'aucun EPCI',
  departement: 'aucun département',
  region: 'aucune région',
  cls: 'aucun contrat local de santé',
};

/** The territory does not exist in the current geography (→ 404). */
export class TerritoireInconnuError extends AppError {
  constructor(niveau: string, code: string) {
    const sujet = Object.hasOwn(AUCUN_TERRITOIRE, niveau) ? AUCUN_TERRITOIRE[niveau] : niveau === 'france' ? 'la France' : 'aucun territoire';
    super(
      'territoire_inconnu',
      niveau === 'france'
        ? `Territoire inconnu : la France a le code « FR », pas « ${code} ».`
        : `Territoire inconnu : ${sujet} n’a le code « ${code} » dans la géographie en vigueur.`,
    );
  }
}

/** The route does not exist (→ 404). */
export class RessourceInconnueError extends AppError {
  constructor(chemin: string) {
    super('ressource_inconnue', `Ressource inconnue : ${chemin}`);
  }
}

/** Where in an extract a problem was found. Lines are 1-based, counting the header as line 1. */
export interface PositionErreur {
  fichier: string;
  ligne?: number;
  colonne?: string;
  numeroColonne?: number;
}

/** An extract does not match its expected schema. The lake is left untouched. */
export class SourceSchemaError extends AppError {
  readonly position: PositionErreur;
  readonly raison: string;
  constructor(position: PositionErreur, raison: string) {
    const where = [
      position.fichier,
      position.ligne !== undefined ? `ligne ${position.ligne}` : null,
      position.colonne !== undefined
        ? `colonne ${position.numeroColonne !== undefined ? `${position.numeroColonne} ` : ''}(${position.colonne})`
        : null,
    ]
      .filter(Boolean)
      .join(', ');
    super('source_invalide', `${where} : ${raison}`);
    this.position = position;
    this.raison = raison;
  }
}

/** No adapter recognises the extract. */
export class FormatInconnuError extends AppError {
  constructor(fichier: string, formatsConnus: readonly string[]) {
    super('format_inconnu', `${fichier} : format non reconnu. Formats connus : ${formatsConnus.join(', ')}.`);
  }
}

/** The configuration (environment) is invalid: fails at start-up. */
export class ConfigurationError extends AppError {
  constructor(message: string) {
    super('configuration_invalide', message);
  }
}

/** The lake has not been prepared (no marts yet): a deployment/ordering problem, 503. */
export class LacNonPretError extends AppError {
  constructor(detail: string) {
    super('lac_non_pret', `Les données ne sont pas encore calculées (${detail}).`);
  }
}

/**
 * A mart the manifest names cannot be read (absent, truncated, damaged): 503 until marts are
 * written again. The client is told no more; `cle` (the mart) and `remede` are for the log.
 */
export class MartsIllisiblesError extends AppError {
  readonly cle: string;
  readonly remede = 'npm run compute (refait les fichiers altérés ; dans AWS, la fonction de calcul)';
  constructor(cle: string, options: { cause: unknown }) {
    super('marts_illisibles', 'Les données calculées sont illisibles : le service est indisponible jusqu’à leur prochain calcul.', options);
    this.cle = cle;
  }
}

