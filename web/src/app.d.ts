// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
      /** Longer French explanation shown under the title (often the API's own message). */
      detail?: string;
    }
  }
}

export {};
