import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../core/errors.ts';
import { executerMethode } from '../core/stats/contrat.ts';

/**
 * The statistics command (docs stats-contract.md):
 *   npm run --silent stats -- <method> '<json inputs>'
 * Prints exactly one JSON object on stdout. Exit codes: 0 success; 2 invalid input (unknown
 * method, invalid JSON, missing or ill-typed field…), with `{"error": "..."}` naming the field;
 * 1 unexpected failure, also as `{"error": "..."}`.
 */
export function main(argv: readonly string[], write: (line: string) => void = (line) => process.stdout.write(line)): number {
  const [method, json, ...extra] = argv;
  const fail = (message: string, code: number) => {
    write(`${JSON.stringify({ error: message })}\n`);
    return code;
  };
  if (!method) return fail("méthode manquante — usage : npm run --silent stats -- <method> '<json>'", 2);
  if (json === undefined) return fail(`entrée JSON manquante pour la méthode « ${method} » — usage : npm run --silent stats -- ${method} '<json>'`, 2);
  if (extra.length > 0) return fail(`arguments en trop : une seule entrée JSON attendue après la méthode (reçu ${extra.length + 1})`, 2);
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (e) {
    return fail(`JSON invalide : ${(e as Error).message}`, 2);
  }
  try {
    write(`${JSON.stringify(executerMethode(method, input))}\n`);
    return 0;
  } catch (e) {
    if (e instanceof AppError && e.code === 'parametre_invalide') return fail(e.message, 2);
    return fail(`erreur interne : ${(e as Error).message ?? String(e)}`, 1);
  }
}

const entry = process.argv[1];
if (entry && path.resolve(entry) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
