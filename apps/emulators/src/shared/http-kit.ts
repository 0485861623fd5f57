import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * The little HTTP toolkit both emulators stand on: a router with `:param` segments, request
 * contexts with lazy body parsing, errors that carry their provider-shaped body, and a server
 * that can be stopped without waiting for keep-alive sockets.
 */

export type RouteKind = 'api' | 'oauth' | 'control';

/** An error that is already an HTTP response (status, provider-shaped JSON or text body, headers). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : `HTTP ${status}`);
  }
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export class RequestContext {
  readonly url: URL;
  params: Record<string, string> = {};
  route: Route | undefined;
  private rawBody: Promise<Buffer> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    baseUrl: string,
  ) {
    this.url = new URL(req.url ?? '/', baseUrl);
  }

  get method(): string {
    return (this.req.method ?? 'GET').toUpperCase();
  }

  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  body(): Promise<Buffer> {
    this.rawBody ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new HttpError(413, 'Request body too large'));
          this.req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      this.req.on('end', () => resolve(Buffer.concat(chunks)));
      this.req.on('error', reject);
    });
    return this.rawBody;
  }

  /** The JSON body; `onInvalid` builds the provider's error for a body that is not JSON. */
  async json(onInvalid: (message: string) => HttpError): Promise<unknown> {
    const raw = (await this.body()).toString('utf8');
    if (!raw.trim()) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch (error) {
      throw onInvalid(`Invalid JSON payload received. ${(error as Error).message}`);
    }
  }

  /** An application/x-www-form-urlencoded body (the OAuth token endpoints). */
  async form(): Promise<URLSearchParams> {
    return new URLSearchParams((await this.body()).toString('utf8'));
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0, 'cache-control': 'no-store' });
  res.end();
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

export interface Route {
  method: string;
  /** The route as it is counted, e.g. `GET /calendar/v3/calendars/:calendarId/events`. */
  name: string;
  kind: RouteKind;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, kind: RouteKind, handler: Handler): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          keys.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({
      method: method.toUpperCase(),
      name: `${method.toUpperCase()} ${pattern}`,
      kind,
      regex: new RegExp(`^${source}/?$`, 'i'),
      keys,
      handler,
    });
    return this;
  }

  /** The matching route and its decoded params; `methodMismatch` when only the method differs. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodMismatch: boolean } {
    let methodMismatch = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = safeDecode(m[i + 1]);
      });
      return { route, params };
    }
    return { methodMismatch };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface TlsMaterial {
  cert: string;
  key: string;
}

export interface StartedServer {
  server: Server;
  port: number;
  /** `http(s)://host:port` as bound. */
  boundUrl: string;
  stop(): Promise<void>;
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  { port, host, tls }: { port: number; host: string; tls?: TlsMaterial },
): Promise<StartedServer> {
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let stopped: Promise<void> | undefined;
  return {
    server,
    port: actualPort,
    boundUrl: `${tls ? 'https' : 'http'}://${hostForUrl}:${actualPort}`,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
