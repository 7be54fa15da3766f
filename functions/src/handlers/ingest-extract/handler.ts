import path from 'node:path';
import { createHash } from 'node:crypto';
import { AppError, FormatInconnuError, SourceSchemaError } from '../../core/errors.ts';
import { ingererExtrait, type IngestResultat } from '../../core/lake/ingest.ts';
import { PREFIXE_DEPOT } from '../../core/storage/keys.ts';
import { decoderCleS3, isS3Event } from '../shared/events.ts';
import { log, runtimeLambda } from '../shared/runtime.ts';

/**
 * S3 `ObjectCreated` on `raw/depot/` → ingestion of the uploaded extract. The millésime of a
 * format that does not carry it is given in the key: `raw/depot/millesime=2023/donnees_communes.csv`.
 * A bad extract is quarantined with a report (`raw/rejets/<sha256>.json`) and not retried;
 * an I/O failure is rethrown so that Lambda retries.
 */
export interface IngestSortie {
  resultats: Array<{ cle: string; statut: IngestResultat['statut'] | 'rejete' | 'ignore'; dataset?: string; millesime?: string; rapport?: string; raison?: string }>;
}

export async function handler(event: unknown): Promise<IngestSortie> {
  if (!isS3Event(event)) throw new AppError('evenement_invalide', 'Événement non reconnu : un événement S3 ObjectCreated est attendu.');
  const runtime = await runtimeLambda();
  const config = runtime.config;
  const resultats: IngestSortie['resultats'] = [];
  for (const record of event.Records) {
    const cle = decoderCleS3(record.s3.object.key);
    if (config.storage.mode === 's3' && record.s3.bucket.name !== config.storage.bucket) {
      throw new AppError('bucket_inattendu', `Événement d'un autre bucket (${record.s3.bucket.name}) que le lac (${config.storage.bucket}).`);
    }
    if (!record.eventName.startsWith('ObjectCreated') || !cle.startsWith(PREFIXE_DEPOT) || cle.endsWith('/')) {
      resultats.push({ cle, statut: 'ignore', raison: 'hors du dépôt ou pas une création' });
      continue;
    }
    const bytes = await runtime.storage.get(cle);
    if (bytes === null) throw new AppError('objet_absent', `Objet ${cle} introuvable (supprimé depuis l'événement ?)`);
    const millesime = /(?:^|\/)millesime=(\d{4})(?:\/|$)/.exec(cle)?.[1] ?? null;
    try {
      const r = await ingererExtrait(runtime, { fichier: path.posix.basename(cle), bytes, millesime });
      log({ niveau: 'info', evenement: 'ingestion', cle, statut: r.statut, dataset: r.dataset, millesime: r.millesime, lignes: r.version.lignesAcceptees });
      resultats.push({ cle, statut: r.statut, dataset: r.dataset, millesime: r.millesime });
    } catch (error) {
      if (!(error instanceof SourceSchemaError || error instanceof FormatInconnuError)) throw error;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const rapport = `raw/rejets/${sha256}.json`;
      await runtime.storage.put(
        rapport,
        `${JSON.stringify({ cle, sha256, rejeteLe: runtime.now().toISOString(), code: error.code, message: error.message, position: error instanceof SourceSchemaError ? error.position : null }, null, 2)}\n`,
        { contentType: 'application/json' },
      );
      log({ niveau: 'warn', evenement: 'rejet', cle, rapport, message: error.message });
      resultats.push({ cle, statut: 'rejete', rapport, raison: error.message });
    }
  }
  return { resultats };
}
