import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { findWebBuild, loadWebBuild, WebFile } from './web-build';
import { WEB_ASSETS_PREFIX, WEB_PAGES } from './web-pages';

/** Strict: only our own script, style and API; no framing by other sites. */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Serves the web app's build (dist/web) under each page's prefix: hashed assets with a year of
 * caching, the page's HTML for every other path under the prefix (client-side routes), gzip
 * when the browser takes it, and the strict Content-Security-Policy on all of it.
 */
@Injectable()
export class WebUiMiddleware implements NestMiddleware {
  private readonly logger = new Logger(WebUiMiddleware.name);
  private files: Map<string, WebFile> | null = null;

  private build(): Map<string, WebFile> | null {
    if (this.files) return this.files;
    const root = findWebBuild();
    if (!root) return null;
    this.files = loadWebBuild(root);
    this.logger.log(`Serving the web app from ${root} (${this.files.size} files)`);
    return this.files;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    const page = WEB_PAGES.find((p) => path === `/${p.prefix}` || path.startsWith(`/${p.prefix}/`));
    if (!page) return next();
    res.removeHeader('X-Frame-Options');
    res.setHeader('Content-Security-Policy', WEB_UI_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const files = this.build();
    if (!files) {
      res.status(503).type('text/plain').send('The web app is not built: run `npm run build` (or `npm run build:web`).');
      return;
    }
    if (path.startsWith(WEB_ASSETS_PREFIX)) {
      const asset = files.get(decodeURIComponent(path.slice(WEB_ASSETS_PREFIX.length)));
      if (asset && !asset.type.startsWith('text/html')) {
        res.setHeader('Cache-Control', path.startsWith(`${WEB_ASSETS_PREFIX}assets/`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        return send(req, res, asset);
      }
      if (/\.[a-z0-9]+$/i.test(path)) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
    }
    const html = files.get(page.html);
    if (!html) {
      res.status(503).type('text/plain').send(`The web app build has no ${page.html}: run \`npm run build\`.`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    send(req, res, html);
  }
}

function send(req: Request, res: Response, file: WebFile): void {
  res.setHeader('Content-Type', file.type);
  res.setHeader('ETag', file.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  const body = gzip && file.gzip ? file.gzip : file.body;
  res.setHeader('Content-Length', String(body.length));
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}
