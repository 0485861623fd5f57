/**
 * The web app's pages: a URL prefix served by the api, and the HTML entry of the Vite build
 * (apps/web/vite.config.mts `build.rolldownOptions.input`) that answers every path under it.
 * Adding a page: one entry in the Vite input, one line here.
 */
export const WEB_PAGES: ReadonlyArray<{ prefix: string; html: string }> = [
  { prefix: 'app', html: 'index.html' },
  // The public booking page: /book/<venueId>[#manage=<token>], no sign-in.
  { prefix: 'book', html: 'book.html' },
];

/** Where the Vite build's files are served from (the build's `base`). */
export const WEB_ASSETS_PREFIX = '/app/';
