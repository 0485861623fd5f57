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

export const httpConfig = registerAs('http', () => {
  const env = currentEnv();
  return {
    bodyTimeoutMs: env.HTTP_BODY_TIMEOUT_MS,
    hstsMaxAgeSeconds: env.HSTS_MAX_AGE_SECONDS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    metrics: { token: env.METRICS_TOKEN ?? null, public: env.METRICS_PUBLIC },
    health: { outboxMaxLagSeconds: env.HEALTH_OUTBOX_MAX_LAG_SECONDS, queueMaxAgeSeconds: env.HEALTH_QUEUE_MAX_AGE_SECONDS },
  };
});
