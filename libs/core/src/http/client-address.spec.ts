import type { IncomingMessage } from 'node:http';
import { addressBucket, clientAddress } from './client-address';

const req = (remoteAddress: string, xff?: string) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;
const loopbackOnly = (addr: string) => addr === '127.0.0.1';

describe('clientAddress', () => {
  it('is the socket address without a trusted proxy', () => {
    expect(clientAddress(req('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
    expect(clientAddress(req('203.0.113.7', '198.51.100.1'), loopbackOnly)).toBe('203.0.113.7');
  });

  it('walks X-Forwarded-For through trusted proxies only', () => {
    expect(clientAddress(req('127.0.0.1', '198.51.100.1'), loopbackOnly)).toBe('198.51.100.1');
    // A client cannot pick its address by prepending to the header: the first untrusted hop wins.
    expect(clientAddress(req('127.0.0.1', '10.9.9.9, 198.51.100.1'), loopbackOnly)).toBe('198.51.100.1');
    expect(clientAddress(req('127.0.0.1'), loopbackOnly)).toBe('127.0.0.1');
  });
});

describe('addressBucket', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(addressBucket('198.51.100.1')).toBe('198.51.100.1');
    expect(addressBucket('::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });
});
