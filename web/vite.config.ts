import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// SvelteKit 3: the kit configuration lives here (svelte.config.js is no longer read).
// Static SPA: the home page is prerendered, every other path is served by the `200.html`
// fallback (CloudFront in AWS, the local Node server on a developer machine). See
// docs/adr/0004-hebergement-web.md.
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
    }),
  ],
  server: {
    // `vite dev` talks to a running local API (`npm run serve`), same origin as in production.
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:5174' },
  },
});
