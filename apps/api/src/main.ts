import { appConfig, configureApiApp } from '@calbridge/core';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, bodyParser: false });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureApiApp(app);
  const config = app.get<{ port: number; devSecretsInUse: string[] }>(appConfig.KEY);
  if (config.devSecretsInUse.length) {
    logger.warn(`Using DEVELOPMENT default secrets for ${config.devSecretsInUse.join(', ')} (refused in production)`);
  }
  await app.listen(config.port);
  logger.log(`calbridge api listening on port ${config.port} (OpenAPI at /docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
