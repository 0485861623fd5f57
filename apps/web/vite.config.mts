import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web app: one Vite multi-page build into dist/web, served by the api (libs/web-ui).
 * Each HTML page here is one entry; libs/web-ui/src/web-pages.ts maps a URL prefix to it.
 * Adding a page = one line here + one line there (see README, "Web UI").
 */
export default defineConfig({
  root,
  base: '/app/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(root, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        app: resolve(root, 'index.html'),
        book: resolve(root, 'book.html'),
      },
    },
  },
});
