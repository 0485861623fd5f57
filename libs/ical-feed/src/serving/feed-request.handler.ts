import { addressBucket, MetricsService, sanitizeUrl } from '@calbridge/core';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PinoLogger } from 'nestjs-pino';
import { Counter, Histogram } from 'prom-client';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { feedConfig } from '../ical-feed.config';
import { FeedCache } from './feed-cache';
import { FeedFailureLimiter } from './feed-failure-limiter.service';
import { FeedResolution, FeedServingService } from './feed-serving.service';
import { noneMatch } from './if-none-match';
import { FeedValidator, gzipEtagOf, RenderedFeed } from './rendered-feed';

export { noneMatch };

const gzipAsync = promisify(gzip);

const CACHE_CONTROL = 'no-cache, must-revalidate, private';
const NO_STORE = 'no-store';

/** The one answer for every URL that is not a live feed: no oracle for what was wrong. */
export const FEED_NOT_FOUND_BODY =
  'Not found. This calendar link is not valid: it may have been replaced by a newer one. ' +
  'Get your current calendar link from the scheduling app.\n';

const OUTCOMES = ['ok', 'not_modified', 'not_found', 'gone', 'rate_limited', 'error'] as const;
export type FeedOutcome = (typeof OUTCOMES)[number];

const INVALID_URL: FeedResolution = { kind: 'invalid' };

/** The client's address of a request (asked only when a failure is counted). */
export type ClientAddress = (req: IncomingMessage) => string;

interface Prepared {
  identity200: OutgoingHttpHeaders;
  identity304: OutgoingHttpHeaders;
  gzip200?: OutgoingHttpHeaders;
  gzip304: OutgoingHttpHeaders;
  gzipEtag: string;
}

/**
 * The public feed endpoint over plain Node request/response objects, so that it can be served
 * straight from the HTTP server (see FeedServerMount) or through the Nest controller. Knows
 * HTTP (status codes, conditional requests, gzip, headers); the feed itself comes from
 * FeedServingService.
 */
@Injectable()
export class FeedRequestHandler implements OnApplicationShutdown {
  private readonly logger = new Logger(FeedRequestHandler.name);
  private readonly prepared = new WeakMap<RenderedFeed, Prepared>();
  /** Polls by outcome since the last scrape (added to the Prometheus counter when it is collected). */
  private readonly counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<FeedOutcome, number>;
  private readonly pollSeconds: Histogram;
  /** pino, outside any request context (the root logger): for the standalone request log line. */
  private readonly requestLog: PinoLogger['logger'];
  /** 304s answered standalone since the last summary line (see {@link record}). */
  private notModifiedSinceSummary = 0;
  private summaryTimer?: NodeJS.Timeout;

  constructor(
    private readonly serving: FeedServingService,
    private readonly limiter: FeedFailureLimiter,
    private readonly cache: FeedCache,
    @Inject(feedConfig.KEY) private readonly config: ConfigType<typeof feedConfig>,
    metrics: MetricsService,
    log: PinoLogger,
  ) {
    this.requestLog = log.logger;
    // A cached poll costs a few microseconds; prom-client's per-call label handling would be a
    // good part of that. So polls are counted in plain numbers and handed over at scrape time.
    const counts = this.counts;
    new Counter({
      name: 'calbridge_feed_requests_total',
      help: 'Feed polls by outcome',
      labelNames: ['outcome'],
      registers: [metrics.registry],
      collect() {
        for (const outcome of OUTCOMES) {
          if (counts[outcome]) this.inc({ outcome }, counts[outcome]);
          counts[outcome] = 0;
        }
      },
    });
    this.pollSeconds = metrics.histogram(
      'calbridge_feed_poll_seconds',
      'Time to answer a feed poll served before Express that waited (a head from Postgres, a render, gzip, a failure count); polls answered from memory take microseconds and are counted by calbridge_feed_requests_total only',
      [],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    );
  }

  /** True for the requests this handler answers: GET and HEAD under /calendar/. */
  static handles(req: IncomingMessage): boolean {
    return (req.method === 'GET' || req.method === 'HEAD') && req.url !== undefined && req.url.startsWith('/calendar/');
  }

  /**
   * Answers the request completely; never rejects. `address` gives the client's address (asked
   * only when a failure is counted; one function for all requests, no closure per poll). Standalone (served before Express): also records the
   * poll duration and the request log (see {@link record}), as Express's middleware would. A
   * poll whose head and rendering are in memory is answered synchronously (no promise at all).
   */
  handle(req: IncomingMessage, res: ServerResponse, address: ClientAddress, standalone = false): FeedOutcome | Promise<FeedOutcome> {
    let answered: FeedOutcome | Promise<FeedOutcome>;
    try {
      answered = this.answer(req, res, address);
    } catch (error) {
      answered = this.failed(res, error);
    }
    if (typeof answered === 'string') return this.done(req, res, answered, standalone, -1);
    // Timed from here: what came before is a few microseconds of synchronous work.
    const started = standalone ? performance.now() : -1;
    return answered.catch((error: unknown) => this.failed(res, error)).then((outcome) => this.done(req, res, outcome, standalone, started));
  }

  private answer(req: IncomingMessage, res: ServerResponse, address: ClientAddress): FeedOutcome | Promise<FeedOutcome> {
    const url = this.serving.parse(req.url ?? '');
    if (!url) return this.respond(req, res, INVALID_URL, address);
    const now = Date.now();
    const head = this.serving.lookup(url, now);
    const ifNoneMatch = req.headers['if-none-match'];
    if (head instanceof Promise) return head.then((h) => this.settled(req, res, this.serving.settle(url, h, Date.now(), ifNoneMatch), address));
    return this.settled(req, res, this.serving.settle(url, head, now, ifNoneMatch), address);
  }

  private settled(
    req: IncomingMessage,
    res: ServerResponse,
    resolution: FeedResolution | Promise<FeedResolution>,
    address: ClientAddress,
  ): FeedOutcome | Promise<FeedOutcome> {
    return resolution instanceof Promise ? resolution.then((r) => this.respond(req, res, r, address)) : this.respond(req, res, resolution, address);
  }

  private failed(res: ServerResponse, error: unknown): FeedOutcome {
    this.logger.error({ err: error }, 'Serving a feed failed');
    if (!res.headersSent) {
      this.plain(res, 503, 'The calendar is temporarily unavailable. Your calendar app will try again.\n', { 'Retry-After': '60' });
    } else {
      res.destroy();
    }
    return 'error';
  }

  private done(req: IncomingMessage, res: ServerResponse, outcome: FeedOutcome, standalone: boolean, started: number): FeedOutcome {
    this.counts[outcome]++;
    if (standalone) this.record(req, res, outcome, started);
    return outcome;
  }

  /** Writes the answer; synchronous for a cached feed (200 or 304). */
  private respond(
    req: IncomingMessage,
    res: ServerResponse,
    resolution: FeedResolution,
    address: ClientAddress,
  ): FeedOutcome | Promise<FeedOutcome> {
    if (resolution.kind === 'invalid') return this.refuse(res, address(req));
    if (resolution.kind === 'expired') {
      this.plain(res, 410, this.goneBody(resolution.expiresAt));
      return 'gone';
    }
    if (resolution.kind === 'not_modified') {
      res.writeHead(304, notModifiedHeaders(resolution.validator, acceptsGzip(req.headers['accept-encoding'])));
      res.end();
      return 'not_modified';
    }
    const feed = resolution.feed;
    const prepared = this.prepare(feed);
    const useGzip = acceptsGzip(req.headers['accept-encoding']);
    if (noneMatch(req.headers['if-none-match'], feed.etag, prepared.gzipEtag)) {
      res.writeHead(304, useGzip ? prepared.gzip304 : prepared.identity304);
      res.end();
      return 'not_modified';
    }
    if (!useGzip) {
      res.writeHead(200, prepared.identity200);
      res.end(req.method === 'HEAD' ? undefined : feed.body);
      return 'ok';
    }
    const send = (body: Buffer): FeedOutcome => {
      prepared.gzip200 ??= {
        ...prepared.identity200,
        ETag: prepared.gzipEtag,
        'Content-Encoding': 'gzip',
        'Content-Length': String(body.length),
      };
      res.writeHead(200, prepared.gzip200);
      res.end(req.method === 'HEAD' ? undefined : body);
      return 'ok';
    };
    return feed.gzipped ? send(feed.gzipped) : this.gzipOf(resolution.id, feed).then(send);
  }

  /** 404 for anything that is not a live feed, 429 once the address failed too often. */
  private async refuse(res: ServerResponse, address: string): Promise<FeedOutcome> {
    const verdict = await this.limiter.recordFailure(addressBucket(address));
    if (verdict.limited) {
      this.plain(res, 429, 'Too many invalid calendar links from your address. Try again later.\n', {
        'Retry-After': String(verdict.retryAfter),
      });
      return 'rate_limited';
    }
    this.plain(res, 404, FEED_NOT_FOUND_BODY);
    return 'not_found';
  }

  /**
   * The request log line (path with the token redacted, core's sanitizeUrl) and, for a poll that
   * waited (a head from Postgres, a render, gzip, a failure count), its duration. A poll answered
   * synchronously from memory is not timed: it takes microseconds, well inside the histogram's
   * first bucket, and calbridge_feed_requests_total counts it.
   *
   * Log policy: every answer but a 304 gets its own line at `info` (200, 404, 410, 429, 503).
   * A 304 is the steady state of every subscribed calendar app (most of all requests) and gets
   * its own line only at `debug`; at `info` the 304s are summed up in one line per
   * FEED_NOT_MODIFIED_LOG_SECONDS ("feed polls answered 304", with the count).
   */
  private record(req: IncomingMessage, res: ServerResponse, outcome: FeedOutcome, started: number): void {
    const seconds = started < 0 ? 0 : (performance.now() - started) / 1000;
    if (started >= 0) this.pollSeconds.observe(seconds);
    if (outcome === 'not_modified') {
      if (this.requestLog.isLevelEnabled('debug')) this.logRequest(req, res, seconds, 'debug');
      else if (this.notModifiedSinceSummary++ === 0) this.scheduleSummary();
      return;
    }
    if (this.requestLog.isLevelEnabled('info')) this.logRequest(req, res, seconds, 'info');
  }

  private logRequest(req: IncomingMessage, res: ServerResponse, seconds: number, level: 'info' | 'debug'): void {
    this.requestLog[level](
      {
        context: 'FeedRequest',
        req: { method: req.method, url: sanitizeUrl(req.url) },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(seconds * 1000),
      },
      'request completed',
    );
  }

  /** The summary line of 304s, once per interval in which there were any. */
  private scheduleSummary(): void {
    if (this.summaryTimer) return;
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      this.summarize();
    }, this.config.notModifiedLogMs);
    this.summaryTimer.unref();
  }

  private summarize(): void {
    const count = this.notModifiedSinceSummary;
    this.notModifiedSinceSummary = 0;
    if (count && this.requestLog.isLevelEnabled('info')) {
      this.requestLog.info({ context: 'FeedRequest', res: { statusCode: 304 }, count }, 'feed polls answered 304');
    }
  }

  /** The last summary line goes out before the process does. */
  onApplicationShutdown(): void {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    this.summarize();
  }

  private prepare(feed: RenderedFeed): Prepared {
    let p = this.prepared.get(feed);
    if (!p) {
      const common = commonHeaders(feed);
      const gzipEtag = gzipEtagOf(feed.etag);
      p = {
        identity200: {
          'Content-Type': 'text/calendar; charset=utf-8',
          'Content-Disposition': `inline; filename="${feed.filename}"`,
          'Content-Length': String(feed.body.length),
          ETag: feed.etag,
          ...common,
          'X-Content-Type-Options': 'nosniff',
        },
        identity304: { ETag: feed.etag, ...common },
        gzip304: { ETag: gzipEtag, ...common },
        gzipEtag,
      };
      this.prepared.set(feed, p);
    }
    return p;
  }

  /** gzip once per rendering; concurrent requests share the work; the result joins the cache entry. */
  private gzipOf(id: string, feed: RenderedFeed): Promise<Buffer> {
    feed.gzip ??= gzipAsync(feed.body).then((zipped) => {
      feed.gzipped = zipped;
      this.cache.reweigh(id, feed);
      return zipped;
    });
    return feed.gzip;
  }

  private goneBody(expiresAt: Date): string {
    const where = this.config.policy.manageUrl
      ? `Generate a new link at ${this.config.policy.manageUrl}`
      : 'Generate a new link in the scheduling app (calendar feed settings)';
    return `Gone. This calendar link expired on ${expiresAt.toISOString().slice(0, 10)}. ${where} and subscribe to it instead.\n`;
  }

  private plain(res: ServerResponse, status: number, body: string, extra: OutgoingHttpHeaders = {}): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': NO_STORE,
      'X-Content-Type-Options': 'nosniff',
      ...extra,
    });
    res.end(body);
  }
}

function commonHeaders(v: { lastModified: string }): OutgoingHttpHeaders {
  return { 'Cache-Control': CACHE_CONTROL, 'Last-Modified': v.lastModified, Vary: 'Accept-Encoding' };
}

/** The 304 of a rendering no longer in memory: the same headers as from a cached one. */
function notModifiedHeaders(v: FeedValidator, gzip: boolean): OutgoingHttpHeaders {
  return { ETag: gzip ? gzipEtagOf(v.etag) : v.etag, ...commonHeaders(v) };
}

/** gzip listed in Accept-Encoding with a non-zero q (or `*`). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value.includes('gzip') && !value.includes('*')) return false;
  for (const part of value.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
