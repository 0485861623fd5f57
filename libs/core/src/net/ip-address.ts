import { isIP } from 'node:net';

/**
 * IP literals as an SSRF check must see them. An IPv6 address can carry an IPv4 one
 * (`::ffff:127.0.0.1` = `::ffff:7f00:1` = `0:0:0:0:0:ffff:7f00:1`, `::127.0.0.1`, NAT64
 * `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`): every spelling of one address is reduced to one
 * form before it is classified, so no spelling gets past the check.
 */

/** The 4 or 16 bytes of an IP literal (brackets and an IPv6 zone id allowed); null when it is not one. */
export function ipBytes(literal: string): Uint8Array | null {
  const host = literal.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = isIP(host);
  if (kind === 4) return Uint8Array.from(host.split('.').map(Number));
  if (kind !== 6) return null;
  let tail: number[] = [];
  let text = host.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = rest === undefined ? [] : groups(rest);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  if (dotted) bytes.set(tail, 12);
  return bytes;
}

/**
 * The IPv4 address an IPv6 one stands for, when it embeds one that a packet can reach:
 * IPv4-mapped `::ffff:0:0/96`, IPv4-compatible `::/96` (not `::` and `::1`), IPv4-translated
 * `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16`.
 */
export function embeddedIpv4(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length === 4) return bytes;
  const zeros = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  const last = bytes.subarray(12, 16);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return last;
  if (zeros(0, 12) && !zeros(12, 15)) return last;
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(10, 12)) return last;
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return last;
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.subarray(2, 6);
  return null;
}

/**
 * One spelling per address: IPv4 dotted quad (also for IPv6 forms that embed an IPv4 address),
 * else IPv6 in lower-case full-word form (`2001:db8:0:0:0:0:0:1`). Null when `literal` is no IP.
 */
export function canonicalAddress(literal: string): string | null {
  const bytes = ipBytes(literal);
  if (!bytes) return null;
  const v4 = embeddedIpv4(bytes);
  if (v4 && (bytes.length === 4 || !(bytes[0] === 0x20 && bytes[1] === 0x02))) return Array.from(v4).join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return words.join(':');
}

/**
 * Addresses a server on the public internet cannot have: loopback, private, link-local (cloud
 * metadata at 169.254.169.254), CGNAT, unspecified, documentation, benchmarking, multicast,
 * reserved; in IPv6 also unique-local, site-local, discard, Teredo (its IPv4 is hidden) and every
 * form that embeds one of the IPv4 ones. Anything that is not an IP literal counts as private.
 */
export function isPrivateAddress(literal: string): boolean {
  const bytes = ipBytes(literal);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  if (v4) return isPrivateIpv4(v4);
  const [a, b] = bytes;
  if (bytes.every((x, i) => x === 0 || (i === 15 && x === 1))) return true; // :: and ::1
  if ((a & 0xfe) === 0xfc) return true; // fc00::/7 unique local
  if (a === 0xfe && (b & 0xc0) === 0x80) return true; // fe80::/10 link-local
  if (a === 0xfe && (b & 0xc0) === 0xc0) return true; // fec0::/10 site-local (deprecated)
  if (a === 0xff) return true; // multicast
  if (a === 0x01 && b === 0x00 && bytes.subarray(2, 8).every((x) => x === 0)) return true; // 100::/64 discard
  if (a === 0x20 && b === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) return true; // 2001:db8::/32 documentation
  if (a === 0x20 && b === 0x01 && bytes[2] === 0x00 && bytes[3] === 0x00) return true; // 2001::/32 Teredo
  if (a === 0x00 && b === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && bytes[4] === 0x00 && bytes[5] === 0x01) return true; // 64:ff9b:1::/48 local NAT64
  return false;
}

function isPrivateIpv4([a, b, c]: Uint8Array): boolean {
  return (
    a === 0 || // "this network"; 0.0.0.0 reaches the local host
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) || // TEST-NET-2
    (a === 203 && b === 0 && c === 113) || // TEST-NET-3
    a >= 224 // multicast, reserved, broadcast
  );
}
