import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { freePort } from '../support/free-port';
import { TestSystem } from '../support/test-system';

/**
 * Finding 3 of issue 9, through the api: the CalDAV server a user names cannot be a way into
 * calbridge's own network, in any spelling of an address, and failures tell nothing about ports.
 */
describe('CalDAV server URLs: SSRF guard through the api', () => {
  let production: TestSystem;
  let development: TestSystem;
  let staffId: string;
  let devStaffId: string;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();

  async function tcpServer(onConnection: (s: Socket) => void): Promise<number> {
    const server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      onConnection(s);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return (server.address() as AddressInfo).port;
  }

  beforeAll(async () => {
    production = await TestSystem.start({ env: { SYNC_CALDAV_ALLOW_PRIVATE_NETWORKS: 'false' } });
    development = await TestSystem.start({ env: { SYNC_CALDAV_ALLOW_PRIVATE_NETWORKS: 'true', SYNC_HTTP_TIMEOUT_MS: '1500' } });
    staffId = (await production.factory.team(1)).staff[0].id;
    devStaffId = (await development.factory.team(1)).staff[0].id;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await production?.stop();
    await development?.stop();
  });

  it('refuses loopback and metadata addresses in IPv4-mapped and -compatible IPv6 spellings with 422, storing nothing', async () => {
    const http = production.http(production.staffToken(staffId));
    for (const serverUrl of [
      'https://[::ffff:127.0.0.1]:5432/',
      'https://[0:0:0:0:0:ffff:7f00:1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[::127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'https://127.0.0.1/',
      'https://localhost/',
    ]) {
      const res = await http.post(`/v1/staff/${staffId}/connections/caldav`, { serverUrl, username: 'u', appPassword: 'p' });
      expect([serverUrl, res.status, res.body.code]).toEqual([serverUrl, 422, 'CALDAV_SERVER_NOT_ALLOWED']);
    }
    expect((await http.get(`/v1/staff/${staffId}/connections`).expect(200)).body).toEqual([]);
  });

  it('answers every unreachable server with the same status, code and message (no open/closed port oracle)', async () => {
    const http = development.http(development.staffToken(devStaffId));
    const closed = await freePort();
    const hangsUp = await tcpServer((s) => s.destroy());
    const notHttp = await tcpServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'));
    const silent = await tcpServer(() => undefined);
    const answers: Record<string, unknown> = {};
    for (const [what, port] of Object.entries({ closed, hangsUp, notHttp, silent })) {
      const res = await http.post(`/v1/staff/${devStaffId}/connections/caldav`, { serverUrl: `http://127.0.0.1:${port}/`, username: 'u', appPassword: 'p' });
      answers[what] = { status: res.status, code: res.body.code, message: res.body.message };
    }
    const first = answers.closed as { status: number; code: string; message: string };
    expect(first).toMatchObject({ status: 502, code: 'CALDAV_UNREACHABLE' });
    expect(first.message).not.toMatch(/ECONN|refused|reset|timeout|EPIPE|socket|parse/i);
    expect(answers).toEqual({ closed: first, hangsUp: first, notHttp: first, silent: first });
  });
});
