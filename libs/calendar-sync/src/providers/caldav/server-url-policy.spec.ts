import { assertServerUrlAllowed, hostMatches, isPrivateAddress, serverUrlProblem } from './server-url-policy';

const production = { allowedHosts: [], allowPrivateNetworks: false };

describe('CalDAV server URL policy (SSRF)', () => {
  it('accepts public https servers', () => {
    expect(serverUrlProblem('https://caldav.icloud.com', production)).toBeNull();
  });

  it('refuses plain http, credentials in URLs and literal private hosts in production', () => {
    expect(serverUrlProblem('http://caldav.example.org', production)).toMatch(/https/);
    expect(serverUrlProblem('https://u:p@caldav.example.org', production)).toMatch(/credentials/);
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '169.254.169.254', '[::1]', 'localhost']) {
      expect(serverUrlProblem(`https://${host}/dav`, production)).toMatch(/private/);
    }
  });

  it('allows loopback over http when private networks are allowed (development, tests)', () => {
    expect(serverUrlProblem('http://127.0.0.1:5232/', { allowedHosts: [], allowPrivateNetworks: true })).toBeNull();
  });

  it('enforces the allow-list with wildcards', () => {
    const policy = { allowedHosts: ['caldav.icloud.com', '*.icloud.com'], allowPrivateNetworks: false };
    expect(serverUrlProblem('https://p42-caldav.icloud.com/123/', policy)).toBeNull();
    expect(serverUrlProblem('https://evil.example/', policy)).toMatch(/allowed list/);
    expect(hostMatches('icloud.com.evil.example', '*.icloud.com')).toBe(false);
  });

  it('refuses hosts resolving to private addresses', async () => {
    await expect(assertServerUrlAllowed('https://sneaky.example', production, async () => ['93.184.216.34', '10.0.0.5'])).rejects.toThrow(
      /private network/,
    );
    await expect(assertServerUrlAllowed('https://fine.example', production, async () => ['93.184.216.34'])).resolves.toBeUndefined();
  });

  it('knows private ranges', () => {
    expect(['100.64.0.1', '172.16.0.1', '::ffff:127.0.0.1', 'fd00::1', 'fe80::1'].every(isPrivateAddress)).toBe(true);
    expect(['8.8.8.8', '172.32.0.1', '2001:4860::8888'].some(isPrivateAddress)).toBe(false);
  });
});
