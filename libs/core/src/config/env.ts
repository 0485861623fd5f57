import { Env, parseEnv } from './env.schema';

/**
 * The validated environment of this process. The only place in calbridge that reads
 * `process.env`; everything else receives configuration through Nest's ConfigModule namespaces.
 */
export function currentEnv(): Env {
  return parseEnv(process.env);
}

/** `validate` hook for `ConfigModule.forRoot`: fails the boot with every problem listed. */
export function validateEnv(raw: Record<string, unknown>): Record<string, unknown> {
  parseEnv(raw as Record<string, string | undefined>);
  return raw;
}
