import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { clientAddress, TrustProxyFn } from '@calbridge/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { feedConfig } from '../ical-feed.config';
import { FeedRequestHandler } from './feed-request.handler';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves GET/HEAD /calendar/... straight from the api's Node HTTP server, ahead of Express and
 * Nest (FEED_FAST_PATH, default on). Calendar apps poll feeds all day; the feed needs none of
 * what the JSON API's pipeline does per request (auth guard, body parsing, validation, JSON
 * errors) and Express's routing alone costs most of a cached poll. Everything else the pipeline
 * gives is kept: the same client address rules (Express's `trust proxy`), a request log line
 * with the token redacted (core's sanitizeUrl), and the request-duration metric. With the fast
 * path off, FeedController serves the same handler through Nest.
 */
@Injectable()
export class FeedServerMount implements OnApplicationBootstrap {
  private readonly logger = new Logger(FeedServerMount.name);
  private trust?: TrustProxyFn | null;
  private readonly address = (req: IncomingMessage): string => clientAddress(req, this.trustFn());

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly handler: FeedRequestHandler,
    @Inject(feedConfig.KEY) private readonly config: ConfigType<typeof feedConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.fastPath) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || typeof server.listeners !== 'function') {
      this.logger.warn('No Node HTTP server to mount the feed on; the Nest route serves it');
      return;
    }
    const listeners = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (FeedRequestHandler.handles(req)) {
        void this.handler.handle(req, res, this.address, true);
        return;
      }
      for (const listener of listeners) listener.call(server, req, res);
    });
  }

  /** Express's compiled `trust proxy` setting (set by configureApiApp), read once. */
  private trustFn(): TrustProxyFn | undefined {
    if (this.trust === undefined) {
      const app = this.adapterHost.httpAdapter?.getInstance() as { get?: (name: string) => unknown } | undefined;
      const fn = app?.get?.('trust proxy fn');
      this.trust = typeof fn === 'function' ? (fn as TrustProxyFn) : null;
    }
    return this.trust ?? undefined;
  }
}
