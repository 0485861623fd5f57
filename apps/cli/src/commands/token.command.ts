import { currentEnv, mintToken, ROLES, Role } from '@calbridge/core';
import { randomUUID } from 'node:crypto';
import { parseArgs } from '../args';

export const TOKEN_USAGE = `npm run token -- --role <admin|dispatcher|staff> [--venue <venueId> ...] [--sub <id>] [--ttl <seconds>]
  staff tokens need --sub <staffId>; dispatcher tokens take one --venue per venue`;

/** Prints a development token signed with AUTH_JWT_SECRET. */
export function tokenCommand(argv: string[]): void {
  const args = parseArgs(argv);
  const role = args.get('role')?.[0] as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}\n${TOKEN_USAGE}`);
  const venues = args.get('venue') ?? [];
  const sub = args.get('sub')?.[0] ?? (role === 'staff' ? undefined : `dev-${role}-${randomUUID().slice(0, 8)}`);
  if (!sub) throw new Error(`staff tokens need --sub <staffId>\n${TOKEN_USAGE}`);
  const ttl = Number(args.get('ttl')?.[0] ?? 30 * 24 * 3600);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  process.stdout.write(`${mintToken(currentEnv().AUTH_JWT_SECRET, { role, sub, venues, ttlSeconds: ttl })}\n`);
}
