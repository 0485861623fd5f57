import { DynamicModule, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appConfig } from '../config/core.config';
import { REDACT_PATHS, REDACTED, sanitizeUrl, serializeError } from './redact';

/** What an incoming X-Request-Id may look like to be kept (anything else is replaced). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Structured JSON logs (pino) with secrets redacted, for the api, the worker and the CLI. Lines
 * logged while serving a request carry `req.id`; lines logged while processing a queue task
 * carry `task.id` (see TaskLogContext).
 */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (app: ConfigType<typeof appConfig>) => ({
            pinoHttp: {
              level: app.logLevel,
              base: { service },
              // Every line logged while serving a request carries req.id: the caller's X-Request-Id
              // when it is a sane token (a proxy's or the host platform's), else a new UUID; the
              // answer echoes it so a user's report can be matched to the logs.
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const incoming = req.headers['x-request-id'];
                const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
                res.setHeader('X-Request-Id', id);
                return id;
              },
              redact: { paths: REDACT_PATHS, censor: REDACTED },
              // Health probes and metric scrapes would drown everything else.
              autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)\b/.test(req.url ?? '') },
              customProps: () => ({}),
              serializers: {
                req: (req: { id?: unknown; method?: string; url?: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: sanitizeUrl(req.url),
                }),
                res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
                // Failed queries carry their parameters (names, emails, phones) and Postgres
                // quotes values in its details: both are removed before anything is written.
                err: serializeError,
              },
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
