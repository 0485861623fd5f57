import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, Request, RequestHandler, Response, urlencoded } from 'express';
import { ApiError } from '../errors/api-error';
import { httpConfig } from '../config/core.config';
import { bodyTimeout } from './body-timeout';
import { inputGuard } from './input-guard';
import { securityHeaders } from './security-headers';

/** Body-parser failures as stable API errors (Nest would turn invalid JSON into a generic 400). */
const PARSER_ERRORS: Record<string, () => ApiError> = {
  'entity.parse.failed': () => ApiError.badRequest('INVALID_JSON', 'The request body is not valid JSON'),
  'entity.too.large': () => new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large'),
  'encoding.unsupported': () => new ApiError(415, 'UNSUPPORTED_ENCODING', 'The request body encoding is not supported'),
  'charset.unsupported': () => new ApiError(415, 'UNSUPPORTED_CHARSET', 'The request body charset is not supported'),
  'request.aborted': () => ApiError.badRequest('REQUEST_ABORTED', 'The request was aborted'),
};

function withStableErrors(parser: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (error?: unknown) => {
      if (!error) return next();
      const { type, status } = error as { type?: string; status?: number };
      if (type && PARSER_ERRORS[type]) return next(PARSER_ERRORS[type]());
      // A body that does not inflate (Content-Encoding: gzip on plain bytes), or any other
      // client-side failure of the body: its status, a stable code, never a 500.
      if (status && status >= 400 && status < 500) {
        return next(new ApiError(status, 'INVALID_BODY', 'The request body could not be read (is Content-Encoding right?)'));
      }
      next(error);
    });
}

/** A request to `/webhooks/*` with a JSON body keeps its bytes here (for signature checks). */
export type RequestWithRawBody = Request & { rawBody?: Buffer };

/**
 * Everything about the api's HTTP surface that is not a module: a body timeout, security
 * headers, body parsing with limits and stable errors, refusal of input Postgres or the validators cannot take (inputGuard), OpenAPI
 * at /docs. Used by apps/api and by the tests and benchmarks, so they
 * exercise the api as it runs. The app must be created with `{ bodyParser: false }`.
 */
export function configureApiApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  const http = app.get<{ bodyTimeoutMs: number; hstsMaxAgeSeconds: number }>(httpConfig.KEY);
  app.use(bodyTimeout(http.bodyTimeoutMs));
  app.use(securityHeaders(http));
  app.use(
    withStableErrors(
      json({
        limit: '256kb',
        type: ['application/json', 'application/*+json'],
        // Signed inbound webhooks (/webhooks/*) are verified over the exact bytes that arrived.
        verify: (req, _res, buf) => {
          if (req.url?.startsWith('/webhooks/')) (req as RequestWithRawBody).rawBody = buf;
        },
      }),
    ),
  );
  app.use(withStableErrors(urlencoded({ extended: false, limit: '64kb' })));
  app.use(inputGuard);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('calbridge')
      .setDescription(
        'Calendar backbone of a scheduling platform: scheduling API, signed iCal feeds, two-way Google / Outlook / CalDAV sync. ' +
          'Every /v1 call carries Authorization: Bearer <HS256 JWT>. Errors: { statusCode, code, message, details? }.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
