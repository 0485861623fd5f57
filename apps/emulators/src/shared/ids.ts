import { createHash, randomBytes, randomUUID } from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Lower-case base32hex (a-v, 0-9): the alphabet Google accepts for client-chosen event ids. */
export function base32hexId(bytes = 16): string {
  const buf = randomBytes(bytes);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function uuid(): string {
  return randomUUID();
}

/** A short, stable, opaque digest of a string (deterministic ids derived from other ids). */
export function digest(input: string, length = 24): string {
  return createHash('sha256').update(input).digest('base64url').slice(0, length);
}
