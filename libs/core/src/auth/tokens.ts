import { sign } from 'jsonwebtoken';
import type { Role } from './principal';

export interface MintTokenOptions {
  role: Role;
  /** Staff id for staff; any platform user id otherwise. */
  sub: string;
  venues?: string[];
  /** Lifetime in seconds (default 30 days: development tokens). */
  ttlSeconds?: number;
}

/** Mints an HS256 token the way the host platform does (development tools, demo data, tests). */
export function mintToken(secret: string, options: MintTokenOptions): string {
  const payload: Record<string, unknown> = { role: options.role };
  if (options.role === 'dispatcher') payload.venues = options.venues ?? [];
  return sign(payload, secret, {
    algorithm: 'HS256',
    subject: options.sub,
    expiresIn: options.ttlSeconds ?? 30 * 24 * 3600,
  });
}
