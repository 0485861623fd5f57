import { registerAs } from '@nestjs/config';
import { currentEnv } from './env';
import { devSecretsInUse } from './env.schema';

export const appConfig = registerAs('app', () => {
  const env = currentEnv();
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    platformJobUrl: env.PLATFORM_JOB_URL,
    demoData: env.DEMO_DATA ?? env.NODE_ENV === 'development',
    devSecretsInUse: devSecretsInUse(env),
    publicRateLimitPerMinute: env.PUBLIC_RATE_LIMIT_PER_MINUTE,
  };
});

export const authConfig = registerAs('auth', () => ({ jwtSecret: currentEnv().AUTH_JWT_SECRET }));

export const redisConfig = registerAs('redis', () => {
  const env = currentEnv();
  return { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX };
});
