import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered with. */
  status: number;
  at: number;
}

/**
 * A real HTTP server on loopback that records every request and answers with whatever `answer`
 * decides (default 200): the far end of outbound webhooks in tests.
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  answer: (req: Omit<ReceivedRequest, 'status' | 'at'>, all: ReceivedRequest[]) => number | Promise<number> = () => 200;

  url = '';
  private server?: Server;

  private constructor() {}

  static async start(): Promise<HttpReceiver> {
    const receiver = new HttpReceiver();
    const server = createServer((req, res) => {
      readBody(req)
        .then(async (body) => {
          const seen = {
            method: req.method ?? '',
            path: req.url ?? '',
            headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
            body,
          };
          const status = await receiver.answer(seen, receiver.requests);
          receiver.requests.push({ ...seen, status, at: Date.now() });
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
        })
        .catch(() => res.writeHead(500).end());
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    receiver.server = server;
    receiver.url = `http://127.0.0.1:${port}`;
    return receiver;
  }

  /** Requests this receiver answered with a 2xx. */
  get acknowledged(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
