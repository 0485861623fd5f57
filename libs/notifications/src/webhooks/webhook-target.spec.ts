import { webhookTargetProblem, webhookTargetProblemResolved } from './webhook-target';

describe('webhook target URLs', () => {
  const strict = { allowPrivateNetworks: false };
  const dev = { allowPrivateNetworks: true };

  it.each([
    ['https://hooks.slack.com/services/T/B/X', null],
    ['http://hooks.example.com/x', 'must use https'],
    ['ftp://example.com/x', 'must use https'],
    ['not a url', 'is not a URL'],
    ['https://user:pw@example.com/', 'must not carry credentials'],
    ['https://localhost/x', 'host localhost is on a private network'],
    ['https://127.0.0.1:8080/x', 'host 127.0.0.1 is on a private network'],
    ['https://10.1.2.3/x', 'host 10.1.2.3 is on a private network'],
    ['https://169.254.169.254/latest', 'host 169.254.169.254 is on a private network'],
    ['https://[::1]/x', 'host ::1 is on a private network'],
    ['https://[::ffff:192.168.0.1]/x', 'host ::ffff:c0a8:1 is on a private network'],
    ['https://[fd00::1]/x', 'host fd00::1 is on a private network'],
    ['https://8.8.8.8/x', null],
  ])('%s in production: %s', (url, problem) => {
    expect(webhookTargetProblem(url, strict)).toBe(problem);
  });

  it('allows loopback and http in development', () => {
    expect(webhookTargetProblem('http://127.0.0.1:9000/hook', dev)).toBeNull();
    expect(webhookTargetProblem('https://u:p@127.0.0.1/hook', dev)).toBe('must not carry credentials');
  });

  it('refuses names that resolve to private addresses', async () => {
    await expect(webhookTargetProblemResolved('https://internal.example/x', strict, async () => ['93.184.216.34', '10.0.0.5'])).resolves.toBe(
      'host internal.example resolves to a private network',
    );
    await expect(webhookTargetProblemResolved('https://public.example/x', strict, async () => ['93.184.216.34'])).resolves.toBeNull();
    await expect(
      webhookTargetProblemResolved('https://gone.example/x', strict, async () => {
        throw new Error('ENOTFOUND');
      }),
    ).resolves.toBe('host gone.example does not resolve');
  });
});
