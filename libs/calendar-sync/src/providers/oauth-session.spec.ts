import type { AccountContext } from './calendar-provider';
import { ACCESS_TOKEN_REFRESH_MARGIN_MS, OAuthCredentials, OAuthSession } from './oauth-session';
import { ProviderError } from './provider-error';

function account(expiresIn: number): AccountContext & { stored: unknown[] } {
  const stored: unknown[] = [];
  const context: AccountContext & { stored: unknown[] } = {
    connectionId: 'c',
    accountId: 'a',
    serverUrl: null,
    credentials: { refreshToken: 'r1', accessToken: 'old', accessTokenExpiresAt: Date.now() + expiresIn, scope: null },
    metadata: {},
    stored,
    updateCredentials: async (next) => {
      stored.push(next);
      context.credentials = next;
    },
  };
  return context;
}

const renewed = (current: OAuthCredentials): Promise<OAuthCredentials> =>
  Promise.resolve({ refreshToken: `${current.refreshToken}+`, accessToken: 'new', accessTokenExpiresAt: Date.now() + 3_600_000, scope: null });
const unauthorized = (e: unknown) => (e as { status?: number }).status === 401;

describe('OAuthSession', () => {
  it('uses a token that still has time, and renews (and stores) one about to expire', async () => {
    const fresh = account(3_600_000);
    expect(await new OAuthSession(fresh, renewed, unauthorized).accessToken()).toBe('old');
    expect(fresh.stored).toEqual([]);

    const dying = account(ACCESS_TOKEN_REFRESH_MARGIN_MS - 1000);
    const session = new OAuthSession(dying, renewed, unauthorized);
    const [a, b] = await Promise.all([session.accessToken(), session.accessToken()]);
    expect([a, b]).toEqual(['new', 'new']);
    expect(dying.stored).toEqual([expect.objectContaining({ accessToken: 'new', refreshToken: 'r1+' })]);
  });

  it('renews once and retries when the provider refuses a token anyway; a refused refresh surfaces', async () => {
    const ctx = account(3_600_000);
    const seen: string[] = [];
    const result = await new OAuthSession(ctx, renewed, unauthorized).run(async (token) => {
      seen.push(token);
      if (token === 'old') throw Object.assign(new Error('401'), { status: 401 });
      return 'ok';
    });
    expect([result, seen]).toEqual(['ok', ['old', 'new']]);

    const revoked = new OAuthSession(account(3_600_000), () => Promise.reject(new ProviderError('AuthRevoked', 'invalid_grant')), unauthorized);
    await expect(revoked.run(() => Promise.reject(Object.assign(new Error('401'), { status: 401 })))).rejects.toMatchObject({ code: 'AuthRevoked' });
    await expect(new OAuthSession(account(3_600_000), renewed, unauthorized).run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('credentials without a refresh token mean the user must connect again', async () => {
    const ctx = account(0);
    ctx.credentials = {};
    await expect(new OAuthSession(ctx, renewed, unauthorized).accessToken()).rejects.toMatchObject({ code: 'AuthRevoked' });
  });
});
