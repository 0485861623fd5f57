import { appConfig } from '@calbridge/core';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  const config = app.get<{ devSecretsInUse: string[] }>(appConfig.KEY);
  if (config.devSecretsInUse.length) {
    logger.warn(`Using DEVELOPMENT default secrets for ${config.devSecretsInUse.join(', ')} (refused in production)`);
  }
  logger.log('calbridge worker started');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
