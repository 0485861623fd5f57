import { canonicalAddress, isPrivateAddress } from './ip-address';
import { OutboundGuard } from './outbound-guard';

describe('IP literals for the SSRF check', () => {
  it('reduces every spelling of an IPv4 address carried in IPv6 to the IPv4 address', () => {
    for (const spelling of [
      '::ffff:127.0.0.1',
      '[::ffff:127.0.0.1]',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:1',
      '[0:0:0:0:0:FFFF:7F00:0001]',
      '::127.0.0.1',
      '::7f00:1',
      '::ffff:0:127.0.0.1',
      '64:ff9b::127.0.0.1',
      '64:ff9b::7f00:1',
    ]) {
      expect([spelling, canonicalAddress(spelling)]).toEqual([spelling, '127.0.0.1']);
    }
    expect(canonicalAddress('::ffff:169.254.169.254')).toBe('169.254.169.254');
    expect(canonicalAddress('::ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(canonicalAddress('2001:DB8::1')).toBe('2001:db8:0:0:0:0:0:1');
    expect(canonicalAddress('caldav.icloud.com')).toBeNull();
  });

  it('classifies loopback, private, link-local, metadata and their IPv6 disguises as private', () => {
    const privates = [
      '127.0.0.1', '127.8.9.10', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1',
      '169.254.169.254', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1',
      '::', '::1', '[::1]', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '2001:db8::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::10.0.0.1',
      '64:ff9b::169.254.169.254', '2002:7f00:1::', '2002:a9fe:a9fe::1', '2001:0:4136:e378::1', 'not-an-ip',
    ];
    for (const ip of privates) expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    for (const ip of ['8.8.8.8', '17.253.144.10', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '2002:808:808::1']) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
    }
  });
});

describe('OutboundGuard.problem (no DNS)', () => {
  const production = new OutboundGuard({ allowPrivateNetworks: false });

  it('refuses the IPv4-mapped and -compatible spellings of loopback and metadata, as URLs', () => {
    for (const url of [
      'https://[::ffff:127.0.0.1]:5432/',
      'https://[0:0:0:0:0:ffff:7f00:1]/',
      'https://[::ffff:169.254.169.254]/latest/meta-data/',
      'https://[::127.0.0.1]/',
      'https://[64:ff9b::a9fe:a9fe]/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://localhost./',
    ]) {
      expect([url, production.problem(url)]).toEqual([url, expect.stringMatching(/private network/)]);
    }
  });

  it('refuses plain http and credentials in production, allows public https', () => {
    expect(production.problem('http://calendar.example.org/')).toMatch(/https/);
    expect(production.problem('https://u:p@calendar.example.org/')).toMatch(/credentials/);
    expect(production.problem('https://caldav.icloud.com/')).toBeNull();
    expect(production.problem('https://[2001:4860:4860::8888]/')).toBeNull();
    expect(production.problem('nonsense')).toBe('is not a URL');
  });

  it('lets a listed exemption through in any spelling, and nothing else of the private network', () => {
    const guard = new OutboundGuard({ allowPrivateNetworks: false, exemptAddresses: ['10.0.0.5'] });
    expect(guard.problem('https://10.0.0.5/')).toBeNull();
    expect(guard.problem('https://[::ffff:a00:5]/')).toBeNull();
    expect(guard.problem('https://10.0.0.6/')).toMatch(/private network/);
  });

  it('enforces an allow-list with wildcards', () => {
    const guard = new OutboundGuard({ allowPrivateNetworks: false, allowedHosts: ['*.icloud.com'] });
    expect(guard.problem('https://p42-caldav.icloud.com/')).toBeNull();
    expect(guard.problem('https://icloud.com.evil.example/')).toMatch(/allowed list/);
  });
});
