import { DynamicModule, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appConfig } from '../config/core.config';
import { REDACT_PATHS, REDACTED, sanitizeUrl, serializeError } from './redact';

/** Structured JSON logs (pino) with secrets redacted, for the api, the worker and the CLI. */
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
