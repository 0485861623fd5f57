import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import type { Server } from 'node:http';
import { httpConfig } from '../config/core.config';

/**
 * SIGTERM loses nothing: before any module lets go of Postgres, Redis or the queues
 * (onApplicationShutdown), the api stops accepting connections and lets every request it is
 * serving finish — closing keep-alive connections as they fall idle, and cutting the rest off
 * only after SHUTDOWN_GRACE_MS — and the worker lets every task it is processing finish (BullMQ
 * `worker.close()`; a task still running at the end of the grace period stays in Redis and is
 * picked up again by the next worker, never lost).
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly discovery: DiscoveryService,
    @Inject(httpConfig.KEY) private readonly config: ConfigType<typeof httpConfig>,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const grace = this.config.shutdownGraceMs;
    await Promise.all([this.drainHttp(grace), this.drainWorkers(grace)]);
    if (signal) this.logger.log(`Drained after ${signal}; closing connections`);
  }

  private drainHttp(grace: number): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve) => {
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const force = setTimeout(() => {
        this.logger.warn(`Requests still running after ${grace} ms; closing their connections`);
        server.closeAllConnections();
      }, grace);
      server.close(() => {
        clearInterval(idle);
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  private async drainWorkers(grace: number): Promise<void> {
    const hosts = this.discovery
      .getProviders()
      .map((w) => (w.isDependencyTreeStatic() ? (w.instance as unknown) : undefined))
      .filter((i): i is WorkerHost => i instanceof WorkerHost);
    const closing = Promise.all(
      hosts.map((host) => {
        try {
          return host.worker.close();
        } catch {
          return undefined; // no worker was started for this host
        }
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn(`Tasks still running after ${grace} ms; they stay queued and are retried`);
        resolve();
      }, grace);
    });
    await Promise.race([closing, timeout]);
    clearTimeout(timer);
  }
}
