import { calculerMarts } from '../../core/marts/compute.ts';
import { decoderCleS3, isS3Event } from '../shared/events.ts';
import { log, runtimeLambda } from '../shared/runtime.ts';

/**
 * Recomputes the marts when a lake manifest is published (S3 `ObjectCreated` on
 * `lake/<dataset>/manifest.json`), or on a direct invocation (`{}` or `{ "force": true }`).
 * A no-op when the marts are already up to date with the lake.
 */
export async function handler(event: unknown): Promise<{ statut: 'calcule' | 'inchange' | 'ignore'; calculeLe?: string }> {
  const runtime = await runtimeLambda();
  let force = false;
  if (isS3Event(event)) {
    const pertinents = event.Records.map((r) => decoderCleS3(r.s3.object.key)).filter((k) => /^lake\/[a-z0-9-]+\/manifest\.json$/.test(k));
    if (pertinents.length === 0) return { statut: 'ignore' };
    log({ niveau: 'info', evenement: 'calcul-declenche', manifestes: pertinents });
  } else if (typeof event === 'object' && event !== null && (event as { force?: unknown }).force === true) {
    force = true;
  }
  const r = await calculerMarts(runtime, { force });
  log({ niveau: 'info', evenement: 'calcul', statut: r.statut, calculeLe: r.manifeste.calculeLe, nonPlaces: r.manifeste.rapport.nonPlaces.length, anciennesTablesSupprimees: r.supprimes ?? 0 });
  return { statut: r.statut, calculeLe: r.manifeste.calculeLe };
}
