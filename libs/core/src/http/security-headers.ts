import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Paths that set their own security headers (the web app's Content-Security-Policy). */
const OWN_HEADERS = /^\/app(\/|$)/;

/** The JSON API and /docs are never framed, sniffed or sent as a referrer. */
const CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI (/docs) and the queue board (/admin/queues) need their own scripts, styles and images; framing is still refused. */
const CSP_UI = "frame-ancestors 'none'";
const OWN_UI = /^\/(docs|admin\/queues)(\/|$)/;

/**
 * Security headers on everything the api answers through Express except the web app (`/app`,
 * which sends its own strict policy): nosniff, no referrer, no framing (`frame-ancestors 'none'`
 * and X-Frame-Options for older browsers), and HSTS when the request came over https — directly
 * or through a proxy Express trusts (`trust proxy`, X-Forwarded-Proto). The feed endpoint,
 * served ahead of Express, sends nosniff itself.
 */
export function securityHeaders(options: { hstsMaxAgeSeconds: number }): RequestHandler {
  const hsts = options.hstsMaxAgeSeconds > 0 ? `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains` : null;
  return (req: Request, res: Response, next: NextFunction) => {
    if (OWN_HEADERS.test(req.path)) return next();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', OWN_UI.test(req.path) ? CSP_UI : CSP_API);
    if (hsts && req.secure) res.setHeader('Strict-Transport-Security', hsts);
    next();
  };
}
