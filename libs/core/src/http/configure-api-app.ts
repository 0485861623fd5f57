import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * Everything about the api's HTTP surface that is not a module: body limits, OpenAPI at /docs.
 * Used by apps/api and by the tests, so tests exercise the api as it runs.
 */
export function configureApiApp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.useBodyParser('json', { limit: '256kb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
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
