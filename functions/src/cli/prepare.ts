import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ingererExtrait, type IngestResultat } from '../core/lake/ingest.ts';
import { calculerMarts, type ComputeResultat } from '../core/marts/compute.ts';
import type { Runtime } from '../core/runtime.ts';

const catalogueSchema = z.object({
  extraits: z.array(z.object({ fichier: z.string().min(1), millesime: z.string().regex(/^\d{4}$/).nullable() })).min(1),
});

export type Catalogue = z.infer<typeof catalogueSchema>;

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
  for (const extrait of catalogue.extraits) {
    const file = path.join(opts.dataDir, extrait.fichier);
    const bytes = new Uint8Array(await readFile(file));
    const r = await ingererExtrait(runtime, { fichier: path.basename(file), bytes, millesime: extrait.millesime });
    log(`${r.statut === 'publie' ? 'ingéré  ' : 'à jour  '} ${r.dataset} ${r.millesime} (${r.version.lignesAcceptees} lignes) ← ${extrait.fichier}`);
    ingestions.push(r);
  }
  const calcul = await calculerMarts(runtime);
  const r = calcul.manifeste.rapport;
  log(
    `${calcul.statut === 'calcule' ? 'calculé ' : 'à jour  '} marts (${r.codesSource} codes source : ${r.identiques} identiques, ${r.arrondissements} arrondissements PLM, ${r.transferes.length} transférés, ${r.nonPlaces.length} non placés, ${r.scindes.length} scindés)`,
  );
  for (const np of r.nonPlaces) log(`  non placé : ${np.code} — ${np.detail}`);
  return { ingestions, calcul };
}
