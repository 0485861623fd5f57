/** The session's token: handed over by the host platform in the URL fragment, kept per tab. */
export const TOKEN_KEY = 'calbridge.token';

export type Role = 'admin' | 'dispatcher' | 'staff';

export interface Claims {
  sub?: string;
  role: Role;
  venues?: string[];
  exp?: number;
}

/** Decodes (does not verify: the server does) a JWT's claims; null when it is not one. */
export function decodeClaims(token: string): Claims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(b64 + '==='.slice((b64.length + 3) % 4))) as Partial<Claims>;
    if (json.role !== 'admin' && json.role !== 'dispatcher' && json.role !== 'staff') return null;
    return json as Claims;
  } catch {
    return null;
  }
}

export function isExpired(claims: Claims, now: number = Date.now()): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= now;
}

/**
 * Splits the fragment: a `token` there replaces the session's token (a new hand-over from the
 * platform wins over whatever this tab held), and is removed from the address bar.
 */
export function takeFragment(hash: string): { token: string | null; rest: URLSearchParams } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  params.delete('token');
  return { token: token && token.trim() ? token.trim() : null, rest: params };
}
