import { ConfigValidationError, DEV_SECRETS, devSecretsInUse, parseEnv } from './env.schema';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseEnv(env);
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
};

const realSecrets = {
  AUTH_JWT_SECRET: 'a'.repeat(48),
  FEED_SIGNING_SECRET: 'b'.repeat(48),
  CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('environment schema', () => {
  it('gives every variable a development default', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/calbridge',
      REDIS_URL: 'redis://127.0.0.1:6379',
      GOOGLE_API_BASE_URL: 'https://www.googleapis.com',
      MICROSOFT_AUTHORITY_URL: 'https://login.microsoftonline.com/common',
      MICROSOFT_GRAPH_BASE_URL: 'https://graph.microsoft.com',
    });
    expect(devSecretsInUse(env).sort()).toEqual(Object.keys(DEV_SECRETS).sort());
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ PORT: '' }).PORT).toBe(3000);
  });

  it('refuses to start production with missing or default secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/AUTH_JWT_SECRET/);
    expect(problems.join('\n')).toMatch(/FEED_SIGNING_SECRET/);
    expect(problems.join('\n')).toMatch(/CREDENTIALS_ENCRYPTION_KEY/);
    expect(problemsOf({ NODE_ENV: 'production', ...realSecrets, AUTH_JWT_SECRET: 'short-but-sixteen+' }).join()).toMatch(
      /at least 32/,
    );
    expect(problemsOf({ NODE_ENV: 'production', ...realSecrets })).toEqual([]);
  });

  it('lists every problem at once, by name', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'nope', PLATFORM_JOB_URL: 'https://x/jobs' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/PLATFORM_JOB_URL.*\{jobId\}/);
  });

  it('enables a provider only with both client id and secret', () => {
    expect(problemsOf({ GOOGLE_CLIENT_ID: 'id' }).join()).toMatch(/GOOGLE_CLIENT_SECRET/);
    expect(problemsOf({ MICROSOFT_CLIENT_SECRET: 's' }).join()).toMatch(/MICROSOFT_CLIENT_ID/);
    expect(problemsOf({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' })).toEqual([]);
    expect(problemsOf({ OAUTH_STATE_SECRET: 'too-short' }).join()).toMatch(/OAUTH_STATE_SECRET/);
  });

  it('rejects an encryption key that is not 32 bytes', () => {
    expect(problemsOf({ CREDENTIALS_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }).join()).toMatch(/32 bytes/);
  });

  it('strips trailing slashes from base URLs', () => {
    expect(parseEnv({ PUBLIC_BASE_URL: 'https://cal.example.com/' }).PUBLIC_BASE_URL).toBe('https://cal.example.com');
  });
});
