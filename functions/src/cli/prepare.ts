import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ingererExtrait, type IngestResultat } from '../core/lake/ingest.ts';
import { calculerMarts, type ComputeResultat } from '../core/marts/compute.ts';
import type { Runtime } from '../core/runtime.ts';

const catalogueSchema = z.object({
  millesimes: z.record(z.string().min(1), z.string().regex(/^\d{4}$/, 'année attendue, ex. 2023')),
  enAttente: z.record(z.string().min(1), z.string().min(1)).default({}),
  modeles: z.record(z.string().min(1), z.string().min(1)).default({}),
});

export type Catalogue = z.infer<typeof catalogueSchema>;

/** Every extract under `data/`: all files but the documentation and the catalogue, sorted. */
export async function extraitsDuDossier(dataDir: string): Promise<string[]> {
  const entrees = await readdir(dataDir, { recursive: true, withFileTypes: true });
  return entrees
    .filter((e) => e.isFile() && !/\.(md|json)$/i.test(e.name) && !e.name.startsWith('.'))
    .map((e) => path.relative(dataDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export async function lireCatalogue(dataDir: string): Promise<Catalogue> {
  const file = path.join(dataDir, 'catalogue.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf-8'));
  } catch (error) {
    throw new Error(`${file} : illisible (${(error as Error).message})`, { cause: error });
  }
  const parsed = catalogueSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} : ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join(' ; ')}`);
  return parsed.data;
}

/**
 * Brings the lake up to date with the project's `data/`: ingests every extract of the catalogue
 * (a no-op for unchanged files), then recomputes the marts if an input changed.
 */
export async function preparerLac(
  runtime: Runtime,
  opts: { dataDir: string; log?: (line: string) => void },
): Promise<{ ingestions: IngestResultat[]; calcul: ComputeResultat }> {
  const log = opts.log ?? (() => {});
  const catalogue = await lireCatalogue(opts.dataDir);
  const ingestions: IngestResultat[] = [];
  for (const relatif of await extraitsDuDossier(opts.dataDir)) {
    const attente = catalogue.enAttente[relatif];
    if (attente) {
      log(`en attente ${relatif} — ${attente}`);
      continue;
    }
    const modele = catalogue.modeles[relatif];
    if (modele) {
      log(`modèle    ${relatif} — ${modele} (non ingéré)`);
      continue;
    }
    const bytes = new Uint8Array(await readFile(path.join(opts.dataDir, relatif)));
    let r: IngestResultat;
    try {
      r = await ingererExtrait(runtime, { fichier: path.basename(relatif), bytes, millesime: catalogue.millesimes[relatif] ?? null });
    } catch (error) {
      // A shipped extract that does not ingest is a defect of the project: stop loudly.
      throw new Error(`data/${relatif} : ${(error as Error).message}`, { cause: error });
    }
    const partie = r.version.partie ? ` ${r.version.partie}` : '';
    log(`${r.statut === 'publie' ? 'ingéré  ' : 'à jour  '} ${r.dataset} ${r.millesime}${partie} (${r.version.lignesAcceptees} lignes) ← ${relatif}`);
    ingestions.push(r);
  }
  const calcul = await calculerMarts(runtime);
  const r = calcul.manifeste.rapport;
  log(
    `${calcul.statut === 'calcule' ? 'calculé ' : 'à jour  '} marts (${r.codesSource} codes source : ${r.identiques} identiques, ${r.arrondissements} arrondissements PLM, ${r.transferes.length} transférés, ${r.nonPlaces.length} non placés, ${r.scindes.length} scindés)`,
  );
  for (const np of r.nonPlaces) log(`  non placé : ${np.code} — ${np.detail}`);
  // Every commune-level dataset on the COG 2026: what could not be placed is listed, never dropped.
  for (const [cle, h] of Object.entries(calcul.manifeste.harmonisations)) {
    const hr = h.rapport;
    const perdus = [...hr.nonPlaces.map((n) => `${n.code} (non placé)`), ...hr.scindes.map((n) => `${n.code} (commune rétablie)`)];
    log(
      `harmonisé ${cle} : COG ${h.cogSource}${h.cogSuppose ? ' (supposé)' : ''} → COG 2026, ${hr.transferes.length} codes transférés, ${hr.partiels} valeurs partielles, ${perdus.length} codes hors passage${perdus.length > 0 ? ` : ${perdus.slice(0, 8).join(', ')}${perdus.length > 8 ? '…' : ''}` : ''}`,
    );
  }
  return { ingestions, calcul };
}
