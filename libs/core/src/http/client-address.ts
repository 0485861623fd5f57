import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/** Express's compiled `trust proxy` setting: is the hop at `addr` (index `i` from the socket) a trusted proxy? */
export type TrustProxyFn = (addr: string, i: number) => boolean;

/**
 * The client's address as Express computes `req.ip`: walk X-Forwarded-For from the socket
 * inwards while each hop is a trusted proxy. Without a trust function, the socket's address.
 */
export function clientAddress(req: IncomingMessage, trust?: TrustProxyFn): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  const header = req.headers['x-forwarded-for'];
  if (!trust || typeof header !== 'string' || !header) return socket;
  const chain = [socket];
  const hops = header.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i].trim();
    if (hop) chain.push(hop);
  }
  for (let i = 0; i < chain.length - 1; i++) if (!trust(chain[i], i)) return chain[i];
  return chain[chain.length - 1];
}

/**
 * The unit failures are counted per: an IPv4 address, or an IPv6 /64 (one subscriber usually
 * holds a whole /64, so counting single IPv6 addresses would be easy to dodge).
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
