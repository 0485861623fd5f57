import { z } from 'zod';

/**
 * Configuration of `npm run emulators`, read once from the environment. (The emulators are a
 * development tool beside calbridge, not part of its validated boot config: this file is the one
 * place in apps/emulators that reads process.env, allowed by a narrow ESLint override.)
 */

const port = z.coerce.number().int().min(0).max(65535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = z
  .string()
  .url()
  .transform((v) => v.replace(/\/+$/, ''))
  .optional();

const schema = z
  .object({
    EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    GOOGLE_EMULATOR_PORT: port.default(4010),
    MICROSOFT_EMULATOR_PORT: port.default(4011),
    GOOGLE_EMULATOR_PUBLIC_URL: optionalUrl,
    MICROSOFT_EMULATOR_PUBLIC_URL: optionalUrl,
    EMULATOR_TLS_DIR: z.string().min(1).optional(),
    EMULATOR_ACCOUNTS: z.string().default('alice@example.com'),
    EMULATOR_TIME_ZONE: z.string().default('UTC'),
    EMULATOR_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(3600),
    EMULATOR_CONSENT_PAGE: flag.default('true'),
    EMULATOR_LOG: flag.default('true'),
    GOOGLE_CLIENT_ID: z.string().min(1).optional(),
    GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
    MICROSOFT_CLIENT_ID: z.string().min(1).optional(),
    MICROSOFT_CLIENT_SECRET: z.string().min(1).optional(),
    NODE_EXTRA_CA_CERTS: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    for (const name of ['GOOGLE', 'MICROSOFT'] as const) {
      if (Boolean(env[`${name}_CLIENT_ID`]) !== Boolean(env[`${name}_CLIENT_SECRET`])) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [`${name}_CLIENT_ID`], message: `set ${name}_CLIENT_ID and ${name}_CLIENT_SECRET together` });
      }
    }
  });

export interface EmulatorsConfig {
  host: string;
  google: { port: number; publicUrl?: string; client?: { clientId: string; clientSecret: string } };
  microsoft: { port: number; publicUrl?: string; client?: { clientId: string; clientSecret: string } };
  tlsDir?: string;
  accounts: Array<{ email: string; timeZone: string }>;
  accessTokenTtlSeconds: number;
  consentPage: boolean;
  log: boolean;
  /** This process's NODE_EXTRA_CA_CERTS (the printed value keeps it, bundled with the emulator CA). */
  existingExtraCaCerts?: string;
}

export function loadEmulatorsConfig(env: NodeJS.ProcessEnv = process.env): EmulatorsConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid emulator configuration: ${problems}`);
  }
  const e = parsed.data;
  const client = (id?: string, secret?: string) => (id && secret ? { clientId: id, clientSecret: secret } : undefined);
  return {
    host: e.EMULATOR_HOST,
    google: { port: e.GOOGLE_EMULATOR_PORT, publicUrl: e.GOOGLE_EMULATOR_PUBLIC_URL, client: client(e.GOOGLE_CLIENT_ID, e.GOOGLE_CLIENT_SECRET) },
    microsoft: { port: e.MICROSOFT_EMULATOR_PORT, publicUrl: e.MICROSOFT_EMULATOR_PUBLIC_URL, client: client(e.MICROSOFT_CLIENT_ID, e.MICROSOFT_CLIENT_SECRET) },
    tlsDir: e.EMULATOR_TLS_DIR,
    accounts: e.EMULATOR_ACCOUNTS.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((email) => ({ email, timeZone: e.EMULATOR_TIME_ZONE })),
    accessTokenTtlSeconds: e.EMULATOR_ACCESS_TOKEN_TTL_SECONDS,
    consentPage: e.EMULATOR_CONSENT_PAGE,
    log: e.EMULATOR_LOG,
    existingExtraCaCerts: e.NODE_EXTRA_CA_CERTS,
  };
}
