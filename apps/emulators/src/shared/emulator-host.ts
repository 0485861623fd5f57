import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, RequestContext, Router, sendJson, sendText } from './http-kit';
import { ArmedFault, FaultInjector, RecordedRequest, redactHeaders, TrafficRecorder } from './traffic';

/**
 * The request pipeline both emulators share: count the request, route it, apply armed faults and
 * artificial latency to API routes, run the handler, and turn errors into provider-shaped answers.
 */

export interface HostHooks {
  notFound(ctx: RequestContext): HttpError;
  methodNotAllowed(ctx: RequestContext): HttpError;
  internalError(ctx: RequestContext, error: unknown): HttpError;
  fault(ctx: RequestContext, fault: ArmedFault): HttpError;
  /** Headers set on every response (Graph's request-id, for example). */
  responseHeaders?(ctx: RequestContext): Record<string, string>;
  /** Rewrites the path before routing (OData key syntax, for example). */
  normalizePath?(path: string): string;
}

export class EmulatorHost {
  readonly router = new Router();
  readonly traffic = new TrafficRecorder();
  readonly faults = new FaultInjector();

  constructor(
    private readonly hooks: HostHooks,
    private readonly baseUrl: () => string,
    private readonly log: (line: string) => void = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.run(req, res);
  };

  private async run(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = new RequestContext(req, res, this.baseUrl());
    const path = this.hooks.normalizePath ? this.hooks.normalizePath(ctx.url.pathname) : ctx.url.pathname;
    const match = this.router.match(ctx.method, path);
    const route = 'route' in match ? match.route : undefined;
    const entry: RecordedRequest = {
      at: this.clock(),
      method: ctx.method,
      url: `${ctx.url.pathname}${ctx.url.search}`,
      route: route?.name ?? 'unmatched',
      kind: route?.kind ?? 'unmatched',
      headers: redactHeaders(req.headers),
    };
    this.traffic.record(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      if (route?.kind !== 'control') this.log(`${entry.method} ${entry.url} -> ${res.statusCode}${entry.fault ? ` (${entry.fault})` : ''}`);
    });
    try {
      for (const [name, value] of Object.entries(this.hooks.responseHeaders?.(ctx) ?? {})) res.setHeader(name, value);
      if (!route) {
        throw 'methodMismatch' in match && match.methodMismatch ? this.hooks.methodNotAllowed(ctx) : this.hooks.notFound(ctx);
      }
      ctx.route = route;
      ctx.params = 'params' in match ? match.params : {};
      if (route.kind === 'api') {
        if (this.faults.latency > 0) await sleep(this.faults.latency);
        const fault = this.faults.take(ctx.method, entry.url);
        if (fault) {
          entry.fault = fault.kind;
          throw this.hooks.fault(ctx, fault);
        }
      }
      await route.handler(ctx);
    } catch (error) {
      const answer = error instanceof HttpError ? error : this.hooks.internalError(ctx, error);
      if (!(error instanceof HttpError)) this.log(`internal error on ${entry.method} ${entry.url}: ${(error as Error)?.stack ?? error}`);
      if (res.headersSent) {
        res.end();
        return;
      }
      // Drain an unread request body so the connection can be reused.
      if (!req.readableEnded) req.resume();
      if (typeof answer.body === 'string') sendText(res, answer.status, answer.body, answer.headers);
      else if (answer.body === undefined) {
        res.writeHead(answer.status, { 'content-length': 0, ...answer.headers });
        res.end();
      } else sendJson(res, answer.status, answer.body, answer.headers);
    }
  }
}
