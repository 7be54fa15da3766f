import { ParametreInvalideError, RessourceInconnueError } from '../errors.ts';
import { CODE_FRANCE, isCodeValide, LIBELLES_NIVEAUX, NIVEAUX, type Niveau } from '../model/niveaux.ts';

/**
 * Reading the request: path segments, query parameters, and their validation. Every refusal is
 * a `ParametreInvalideError` whose French message names the parameter.
 */

export function decoderChemin(chemin: string): string[] {
  const brut = chemin.split('?', 1)[0] ?? '';
  if (brut.length > 500) throw new RessourceInconnueError(brut.slice(0, 50) + '…');
  return brut
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new ParametreInvalideError('chemin', `Chemin mal encodé : « ${s.slice(0, 40)} ».`);
      }
    });
}

export function lireParametres(requete: string): Map<string, string> {
  if (requete.length > 2000) throw new ParametreInvalideError('requete', 'Chaîne de requête trop longue (2 000 caractères au plus).');
  const params = new Map<string, string>();
  for (const morceau of requete.split('&')) {
    if (morceau === '') continue;
    const [k, v = ''] = morceau.split(/=(.*)/s, 2) as [string, string?];
    let cle: string;
    let valeur: string;
    try {
      cle = decodeURIComponent(k.replace(/\+/g, ' '));
      valeur = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      throw new ParametreInvalideError(k.slice(0, 30), `Paramètre mal encodé : « ${morceau.slice(0, 40)} ».`);
    }
    if (params.has(cle)) throw new ParametreInvalideError(cle.slice(0, 30), `Paramètre « ${cle.slice(0, 30)} » répété : donnez-le une seule fois.`);
    params.set(cle, valeur);
  }
  return params;
}

/** Refuses the parameters a route does not know, naming the first one. */
export function autoriser(params: Map<string, string>, route: string, connus: readonly string[]): void {
  for (const cle of params.keys()) {
    if (connus.includes(cle)) continue;
    const possibles = connus.length === 0 ? "n'en accepte aucun" : `accepte ${connus.map((c) => `« ${c} »`).join(', ')}`;
    throw new ParametreInvalideError(cle.slice(0, 30), `Paramètre « ${cle.slice(0, 30)} » inconnu : ${route} ${possibles}.`);
  }
}

export function entier(params: Map<string, string>, nom: string, o: { defaut: number; min: number; max: number }): number {
  const v = params.get(nom);
  if (v === undefined) return o.defaut;
  if (!/^\d{1,6}$/.test(v) || Number(v) < o.min || Number(v) > o.max) {
    throw new ParametreInvalideError(nom, `Paramètre « ${nom} » invalide : entier entre ${o.min} et ${o.max} attendu, « ${v.slice(0, 20)} » reçu.`);
  }
  return Number(v);
}

export function choix<T extends string>(params: Map<string, string>, nom: string, valeurs: readonly T[], defaut: T): T {
  const v = params.get(nom);
  if (v === undefined) return defaut;
  if (!(valeurs as readonly string[]).includes(v)) {
    throw new ParametreInvalideError(nom, `Paramètre « ${nom} » invalide : valeurs possibles ${valeurs.map((x) => `« ${x} »`).join(', ')}.`);
  }
  return v as T;
}

/** `format=json|csv` (JSON by default). */
export function format(params: Map<string, string>): 'json' | 'csv' {
  return choix(params, 'format', ['json', 'csv'] as const, 'json');
}

/** A short text parameter (period, indicator id): present, printable, at most 80 characters. */
export function texte(params: Map<string, string>, nom: string, obligatoire: boolean): string | null {
  const v = params.get(nom);
  if (v === undefined) {
    if (obligatoire) throw new ParametreInvalideError(nom, `Paramètre « ${nom} » manquant.`);
    return null;
  }
  if (v.length === 0 || v.length > 80 || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new ParametreInvalideError(nom, `Paramètre « ${nom} » invalide : texte de 1 à 80 caractères sans caractère de contrôle attendu.`);
  }
  return v;
}

export function niveauInvalide(parametre: string, valeur: string): ParametreInvalideError {
  return new ParametreInvalideError(parametre, `Niveau « ${valeur.slice(0, 30)} » inconnu : niveaux possibles ${NIVEAUX.map((n) => `« ${n} »`).join(', ')}.`);
}

const EXEMPLES_CODES: Readonly<Record<Niveau, string>> = {
  commune: '5 caractères, ex. « 42218 » ou « 2A004 »',
  epci: 'numéro SIREN à 9 chiffres, ex. « 200046977 »',
  departement: 'ex. « 42 », « 2A » ou « 971 »',
  region: 'ex. « 84 » ou « 01 »',
  france: `« ${CODE_FRANCE} »`,
  cls: 'ex. « CLS-78-VGP » ou, pour une version du périmètre, « CLS-78-VGP.v1 »',
};

export function codeInvalide(niveau: Niveau, code: string, parametre = 'code'): ParametreInvalideError {
  return new ParametreInvalideError(parametre, `Code « ${code.slice(0, 30)} » invalide pour le niveau ${LIBELLES_NIVEAUX[niveau].toLowerCase()} : ${EXEMPLES_CODES[niveau]}.`);
}

/** A territory code given as a query parameter (`departement=`, `region=`), checked for shape. */
export function codeParametre(params: Map<string, string>, nom: 'departement' | 'region'): string | null {
  const v = params.get(nom);
  if (v === undefined) return null;
  if (!isCodeValide(nom, v)) throw codeInvalide(nom, v, nom);
  return v;
}
