import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = path.join(REPO, 'data');
export const FICHIER_POPULATIONS = path.join(DATA, 'insee/populations-legales/donnees_communes.csv');
export const FICHIER_MOUVEMENTS = path.join(DATA, 'insee/cog/2026/mouvements-communes.csv');
