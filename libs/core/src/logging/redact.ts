/**
 * Keeps secrets out of logs: feed tokens in paths, OAuth codes and states, webhook validation
 * tokens and anything else that grants access when read from a log line.
 */
const SECRET_QUERY_PARAMS = new Set([
  'code',
  'state',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'validationtoken',
  'code_verifier',
  'password',
  'apppassword',
]);

/** `/calendar/<staff>/` and whatever follows it (the token, and any junk appended to it). */
const FEED_PATH = /^(\/calendar\/[^/?#]+\/)[^?#]+?(\.ics)?$/i;
/** `/public/bookings/<manage token>` and whatever follows it (`/reschedule`, `/cancel`, `.ics`). */
const MANAGE_PATH = /^(\/public\/bookings\/)[^?#]+$/i;

export const REDACTED = '[redacted]';

/** `/calendar/<staff>/<token>.ics?x=1` -> `/calendar/<staff>/[redacted].ics?x=1`; secret query values masked. */
export function sanitizeUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const safePath = path
    .replace(FEED_PATH, (_m, prefix: string, ext?: string) => `${prefix}${REDACTED}${ext ?? ''}`)
    .replace(MANAGE_PATH, (_m, prefix: string) => `${prefix}${REDACTED}`);
  if (!query) return safePath;
  const safeQuery = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = key;
      try {
        decoded = decodeURIComponent(key);
      } catch {
        // keep the raw key
      }
      return SECRET_QUERY_PARAMS.has(decoded.toLowerCase()) && eq !== -1 ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
  return `${safePath}?${safeQuery}`;
}

/** Pino redaction paths for structured log objects. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-goog-channel-token"]',
  'res.headers["set-cookie"]',
  'res.headers.location',
  '*.password',
  '*.appPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.secret',
  '*.token',
  '*.feedUrl',
];
