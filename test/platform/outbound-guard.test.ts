import { OutboundGuard, OutboundUnreachableError, OutboundUrlRefusedError } from '@calbridge/core';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * The SSRF guard every user-chosen URL goes through (CalDAV servers, outbound webhooks), against
 * real servers on loopback. 127.0.0.2 plays a public server (an exempted address); 127.0.0.1 is
 * the victim that must never be reached.
 */
describe('outbound URL guard (SSRF)', () => {
  interface Seen {
    path: string;
    headers: IncomingHttpHeaders;
    method: string;
    body: string;
  }
  const started: (Server | TcpServer)[] = [];
  const sockets = new Set<Socket>();
  let victimHits: Seen[];
  let publicHits: Seen[];
  let port: number;
  let otherPort: number;

  async function listen(server: Server | TcpServer, host: string, wanted = 0): Promise<number> {
    started.push(server);
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(wanted, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  function recorder(into: () => Seen[], answer: (seen: Seen, res: import('node:http').ServerResponse) => void): Server {
    return createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const seen = { path: req.url ?? '', headers: req.headers, method: req.method ?? '', body };
        into().push(seen);
        res.setHeader('connection', 'close');
        answer(seen, res);
      });
    });
  }

  beforeAll(async () => {
    victimHits = [];
    publicHits = [];
    port = await listen(
      recorder(
        () => publicHits,
        (seen, res) => {
          if (seen.path.startsWith('/to/')) {
            res.writeHead(302, { location: decodeURIComponent(seen.path.slice(4)) }).end();
          } else if (seen.path === '/see-other') {
            res.writeHead(303, { location: '/echo' }).end();
          } else if (seen.path === '/gzip') {
            res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('compressed hello'));
          } else if (seen.path === '/not-modified') {
            res.writeHead(304, { etag: '"1"' }).end();
          } else {
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: seen.method, body: seen.body, auth: seen.headers.authorization ?? null }));
          }
        },
      ),
      '127.0.0.2',
    );
    otherPort = await listen(
      recorder(
        () => publicHits,
        (seen, res) => res.end(JSON.stringify({ auth: seen.headers.authorization ?? null })),
      ),
      '127.0.0.2',
    );
    // The victim listens on the same port of 127.0.0.1, so only the address decides who is reached.
    await listen(
      recorder(
        () => victimHits,
        (_seen, res) => res.end('internal secret'),
      ),
      '127.0.0.1',
      port,
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(started.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  beforeEach(() => {
    victimHits.length = 0;
    publicHits.length = 0;
  });

  const production = { allowPrivateNetworks: false, allowHttp: true, exemptAddresses: ['127.0.0.2'] };

  it('resolves once per connection and connects to the address it checked (no DNS rebinding)', async () => {
    const answers = [['127.0.0.2'], ['127.0.0.1']];
    const asked: string[] = [];
    const guard = new OutboundGuard(production, {
      resolve: async (host) => {
        asked.push(host);
        return answers[Math.min(asked.length - 1, answers.length - 1)];
      },
    });
    await guard.assertAllowed(`http://calendar.example:${port}/`); // validation of the input: resolves 127.0.0.2 ...
    asked.length = 0;
    answers.shift(); // ... and from now on the name points at loopback
    const res = await guard.fetch(`http://calendar.example:${port}/`).catch((e: unknown) => e);
    expect(res).toBeInstanceOf(OutboundUrlRefusedError);
    expect((res as Error).message).toMatch(/resolves to a private network/);
    expect(victimHits).toHaveLength(0);

    // A name that rebinds between two connections: each connection checks what it connects to.
    const flip = [['127.0.0.2'], ['127.0.0.1']];
    let calls = 0;
    const flipping = new OutboundGuard(production, { resolve: async () => flip[Math.min(calls++, 1)] });
    const first = await flipping.fetch(`http://rebind.example:${port}/`);
    expect(first.status).toBe(200);
    await first.text();
    expect(calls).toBe(1);
    await expect(flipping.fetch(`http://rebind.example:${port}/`)).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    expect(publicHits).toHaveLength(1);
    expect(victimHits).toHaveLength(0);
  });

  it('refuses a name with any private address among its answers', async () => {
    const guard = new OutboundGuard(production, { resolve: async () => ['127.0.0.2', '::ffff:127.0.0.1'] });
    await expect(guard.assertAllowed(`http://mixed.example:${port}/`)).rejects.toThrow(/private network/);
    await expect(guard.fetch(`http://mixed.example:${port}/`)).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    expect(publicHits).toHaveLength(0);
  });

  it('checks every redirect hop, whatever the spelling of the target', async () => {
    const guard = new OutboundGuard(production);
    for (const target of [
      `http://[::ffff:127.0.0.1]:${port}/secret`,
      `http://[0:0:0:0:0:ffff:7f00:1]:${port}/secret`,
      `http://127.0.0.1:${port}/secret`,
      `http://localhost:${port}/secret`,
      `http://[::ffff:169.254.169.254]/latest/meta-data/`,
    ]) {
      const error = await guard.fetch(`http://127.0.0.2:${port}/to/${encodeURIComponent(target)}`).catch((e: unknown) => e);
      expect([target, error instanceof OutboundUrlRefusedError]).toEqual([target, true]);
    }
    expect(victimHits).toHaveLength(0);
    expect(publicHits).toHaveLength(5);
  });

  it('follows allowed redirects like fetch: 303 turns a POST into a GET, credentials stay on their origin', async () => {
    const guard = new OutboundGuard(production);
    const seeOther = await guard.fetch(`http://127.0.0.2:${port}/see-other`, { method: 'POST', body: 'x=1', headers: { authorization: 'Bearer t' } });
    expect(await seeOther.json()).toEqual({ method: 'GET', body: '', auth: 'Bearer t' });
    expect(seeOther.url).toBe(`http://127.0.0.2:${port}/echo`);

    // Another port is another origin: the header is dropped.
    const cross = await guard.fetch(`http://127.0.0.2:${port}/to/${encodeURIComponent(`http://127.0.0.2:${otherPort}/echo`)}`, {
      headers: { authorization: 'Bearer t' },
    });
    expect(((await cross.json()) as { auth: unknown }).auth).toBeNull();
    const manual = await guard.fetch(`http://127.0.0.2:${port}/to/${encodeURIComponent('/echo')}`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([302, '/echo']);
  });

  it('speaks HTTP like fetch: bodies, decoding, 304 without a body', async () => {
    const guard = new OutboundGuard(production);
    const posted = await guard.fetch(`http://127.0.0.2:${port}/echo`, { method: 'PUT', body: new TextEncoder().encode('bytes ✓') });
    expect(await posted.json()).toMatchObject({ method: 'PUT', body: 'bytes ✓' });
    const gz = await guard.fetch(`http://127.0.0.2:${port}/gzip`);
    expect([gz.headers.get('content-encoding'), await gz.text()]).toEqual([null, 'compressed hello']);
    const notModified = await guard.fetch(`http://127.0.0.2:${port}/not-modified`);
    expect([notModified.status, notModified.headers.get('etag'), await notModified.text()]).toEqual([304, '"1"', '']);
  });

  it('gives one neutral error for every way a server cannot be reached (no open/closed port oracle)', async () => {
    const closedPort = await listen(createTcpServer(), '127.0.0.1');
    await new Promise((resolve) => started.pop()!.close(resolve));
    const hangUp = await listen(
      createTcpServer((s) => s.destroy()),
      '127.0.0.1',
    );
    const notHttp = await listen(
      createTcpServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n')),
      '127.0.0.1',
    );
    const silent = await listen(
      createTcpServer(() => undefined),
      '127.0.0.1',
    );
    const dev = new OutboundGuard({ allowPrivateNetworks: true }, { timeoutMs: 500, resolve: async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }); } });
    const outcomes: Record<string, unknown> = {};
    for (const [what, url] of Object.entries({
      closed: `http://127.0.0.1:${closedPort}/`,
      hangsUp: `http://127.0.0.1:${hangUp}/`,
      notHttp: `http://127.0.0.1:${notHttp}/`,
      tlsToPlain: `https://127.0.0.2:${port}/`,
      silent: `http://127.0.0.1:${silent}/`,
      noSuchHost: `http://no-such-host.invalid/`,
    })) {
      const error = await dev.fetch(url).catch((e: unknown) => e);
      outcomes[what] = error instanceof OutboundUnreachableError ? (error as Error).message : error;
    }
    const neutral = OutboundUnreachableError.MESSAGE;
    expect(outcomes).toEqual({ closed: neutral, hangsUp: neutral, notHttp: neutral, tlsToPlain: neutral, silent: neutral, noSuchHost: neutral });
  });

  it('status(): the same rules without fetch, no redirect followed, the connection kept alive unless the answer is too long', async () => {
    let connections = 0;
    const keepAlive = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/long' ? 200 : 204).end(req.url === '/long' ? 'x'.repeat(200_000) : undefined));
    });
    keepAlive.on('connection', () => connections++);
    const kaPort = await listen(keepAlive, '127.0.0.2');
    const guard = new OutboundGuard(production, { resolve: async () => ['127.0.0.2'] });
    const post = (url: string) => guard.status(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });

    for (let i = 0; i < 3; i++) expect(await post(`http://hooks.example:${kaPort}/ok`)).toBe(204);
    expect(connections).toBe(1);
    expect(await post(`http://hooks.example:${kaPort}/long`)).toBe(200);
    expect(await post(`http://hooks.example:${kaPort}/ok`)).toBe(204);
    expect(connections).toBe(2);

    expect(await post(`http://127.0.0.2:${port}/to/${encodeURIComponent(`http://127.0.0.1:${port}/`)}`)).toBe(302);
    await expect(post(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    const rebound = new OutboundGuard(production, { resolve: async () => ['127.0.0.1'] });
    await expect(rebound.status(`http://hooks.example:${port}/`, { method: 'POST', headers: {}, body: '' })).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    expect(victimHits).toHaveLength(0);

    const silent = await listen(
      createTcpServer(() => undefined),
      '127.0.0.1',
    );
    const dev = new OutboundGuard({ allowPrivateNetworks: true }, { timeoutMs: 300 });
    await expect(dev.status(`http://127.0.0.1:${silent}/`, { method: 'POST', headers: {}, body: '' })).rejects.toBeInstanceOf(OutboundUnreachableError);
  });

  it("rejects with the caller's own abort reason when the caller aborts", async () => {
    const guard = new OutboundGuard(production);
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(guard.fetch(`http://127.0.0.2:${port}/echo`, { signal: controller.signal })).rejects.toThrow('caller gave up');
  });
});
