import { loadConfig } from '../../core/config.ts';
import { createRuntime, type Runtime } from '../../core/runtime.ts';

/** One runtime per Lambda container, created on first use from the environment. */
let runtime: Promise<Runtime> | null = null;

export function runtimeLambda(): Promise<Runtime> {
  if (!runtime) {
    runtime = createRuntime(loadConfig(process.env)).catch((error: unknown) => {
      runtime = null;
      throw error;
    });
  }
  return runtime;
}

/** For tests: forget the cached runtime (after closing it). */
export async function reinitialiserRuntimeLambda(): Promise<void> {
  const r = runtime;
  runtime = null;
  if (r) await (await r).close();
}

export function log(entree: Record<string, unknown>): void {
  console.log(JSON.stringify(entree));
}
