import { stdSerializers } from 'pino';

/**
 * Keeps secrets and personal data out of logs: credentials in paths (feed tokens, and any public
 * route whose URL is the password), OAuth codes and states, webhook validation tokens, customer
 * emails and phone numbers in failed queries, and anything else that grants access or identifies
 * a person when read from a log line.
 */

export const REDACTED = '[redacted]';

/**
 * Routes whose path carries a credential. `:name` matches any one segment (kept in the log);
 * `*` marks where the secret starts: that segment and everything after it are redacted (a `.ics`
 * ending is kept). Matching is done on the path as a server would route it — percent-decoded,
 * `//`, `.` and `..` resolved, case-insensitive — so `//calendar/…`, `/./calendar/…`,
 * `/x/../calendar/…` and `/%63alendar/…` are redacted as well.
 *
 * A new public route with a token in its path adds its template here, and nothing else.
 */
export const SECRET_PATH_TEMPLATES: readonly string[] = ['/calendar/:staffId/*', '/public/bookings/*'];

/** Query parameters whose values are secrets or personal data (compared decoded, lower-case). */
const SECRET_QUERY_PARAMS = new Set([
  'code',
  'state',
  'token',
  'ticket',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'validationtoken',
  'code_verifier',
  'password',
  'apppassword',
  'secret',
  'key',
  'signature',
  'email',
  'phone',
]);

/** Any path segment that looks like a signed token (long base64url), whatever the route: defence in depth. */
const TOKEN_LIKE_SEGMENT = /^[A-Za-z0-9_-]{40,}(\.ics)?$/i;

const TEMPLATES = SECRET_PATH_TEMPLATES.map((t) => t.split('/').filter(Boolean));

/** Decodes ASCII percent-escapes (repeatedly: `%2563` -> `%63` -> `c`), leaving anything else as it is. */
function decodeAscii(value: string): string {
  let out = value;
  for (let i = 0; i < 4 && out.includes('%'); i++) {
    const next = out.replace(/%([0-7][0-9a-f])/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

/** The path's segments as a router sees them: decoded, backslashes as slashes, empty and dot segments resolved. */
export function canonicalSegments(path: string): string[] {
  const out: string[] = [];
  for (const segment of decodeAscii(path).replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out;
}

/** The template's redacted rendering of `segments`, or null when the template does not match. */
function matchTemplate(template: string[], segments: string[]): string | null {
  const kept: string[] = [];
  for (let i = 0; i < template.length; i++) {
    const part = template[i];
    if (part === '*') {
      if (i >= segments.length) return null;
      const rest = segments.slice(i);
      const ext = rest.length === 1 && /\.ics$/i.test(rest[0]) ? rest[0].slice(-4) : '';
      return `/${[...kept, `${REDACTED}${ext}`].join('/')}`;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (!part.startsWith(':') && part.toLowerCase() !== segment.toLowerCase()) return null;
    kept.push(part.startsWith(':') ? segment : part);
  }
  return null;
}

function sanitizePath(path: string): string {
  const segments = canonicalSegments(path);
  for (const template of TEMPLATES) {
    const redacted = matchTemplate(template, segments);
    if (redacted !== null) return redacted;
  }
  if (!path.split('/').some((s) => TOKEN_LIKE_SEGMENT.test(decodeAscii(s)))) return path;
  return path
    .split('/')
    .map((s) => (TOKEN_LIKE_SEGMENT.test(decodeAscii(s)) ? REDACTED : s))
    .join('/');
}

function sanitizeQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      const name = decodeAscii(key.replace(/\+/g, ' ')).replace(/\[\]$/, '').trim().toLowerCase();
      return SECRET_QUERY_PARAMS.has(name) && eq !== -1 ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * A URL as it may be logged: credentials in the path (see {@link SECRET_PATH_TEMPLATES}) and
 * secret or personal query values replaced by `[redacted]`; the fragment is dropped.
 * `/calendar/<staff>/<token>.ics?x=1` -> `/calendar/<staff>/[redacted].ics?x=1`.
 */
export function sanitizeUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const hash = url.indexOf('#');
  const withoutHash = hash === -1 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  const path = q === -1 ? withoutHash : withoutHash.slice(0, q);
  const query = q === -1 ? '' : withoutHash.slice(q + 1);
  const safePath = sanitizePath(path);
  return query ? `${safePath}?${sanitizeQuery(query)}` : safePath;
}

const EMAIL = /[^\s@'"(),;:<>[\]]+@[^\s@'"(),;:<>[\]]+\.[^\s@'"(),;:<>[\]]+/g;
/** Seven or more digits, optionally with a leading + and the usual separators: phone numbers (and long ids, which lose nothing). */
const PHONE = /\+?\d[\d ()./-]{5,}\d/g;
const ISO_DATE_START = /^\d{4}-\d{2}-\d{2}/;
/** Postgres puts the offending values in details: `Key (email)=(a@b.c) already exists.` */
const PG_KEY_VALUES = /(Key \([^)]*\)=\()(.*?)(\)( already exists| is not present| conflicts)?)/g;
/** ...and whole rows: `Failing row contains (…, a@b.c, +49 …).` */
const PG_FAILING_ROW = /(Failing row contains \().*(\))/g;

/** Masks emails, phone numbers and Postgres key values in free text (error messages, details). */
export function redactText(text: string): string {
  return text
    .replace(PG_KEY_VALUES, `$1${REDACTED}$3`)
    .replace(PG_FAILING_ROW, `$1${REDACTED}$2`)
    .replace(EMAIL, REDACTED)
    .replace(PHONE, (m) => (ISO_DATE_START.test(m) ? m : REDACTED));
}

const UUID_OR_DATE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)$/i;

/**
 * pino's `err` serializer with the data a failed query carries removed: query parameters (they
 * hold what the user sent: names, emails, phones) and the values Postgres quotes in its details
 * and messages. The SQL text (placeholders only), the SQLSTATE and the constraint stay.
 */
export function serializeError(error: unknown): unknown {
  // pino-http hands custom serializers the output of pino's own (a plain object); others an Error.
  if (error instanceof Error) error = stdSerializers.err(error);
  if (!error || typeof error !== 'object') return error;
  const out = { ...(error as Record<string, unknown>) };
  scrubErrorFields(out);
  return out;
}

function scrubErrorFields(obj: Record<string, unknown>, depth = 0): void {
  if (depth > 4) return;
  if ('parameters' in obj) obj.parameters = Array.isArray(obj.parameters) ? obj.parameters.map(describeParameter) : REDACTED;
  for (const field of ['message', 'detail', 'stack', 'where', 'hint']) {
    if (typeof obj[field] === 'string') obj[field] = redactText(obj[field] as string);
  }
  for (const nested of ['driverError', 'cause']) {
    const value = obj[nested];
    if (value && typeof value === 'object') {
      const copy = { ...(value as Record<string, unknown>) };
      if (value instanceof Error) {
        copy.message = value.message;
        copy.stack = value.stack;
      }
      scrubErrorFields(copy, depth + 1);
      obj[nested] = copy;
    }
  }
}

/** A parameter as it may be logged: its kind, never its value (ids and instants excepted). */
function describeParameter(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return UUID_OR_DATE.test(value) ? value : `${REDACTED} (${value.length} chars)`;
  if (value instanceof Date) return value.toISOString();
  return REDACTED;
}

/** Pino redaction paths for structured log objects. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-goog-channel-token"]',
  'req.headers["x-metrics-token"]',
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
  '*.email',
  '*.phone',
];
