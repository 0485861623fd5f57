import { Client } from '@microsoft/microsoft-graph-client';
import { google } from 'googleapis';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningGoogleEmulator, RunningMicrosoftEmulator } from '../../apps/emulators/src';
import { waitFor } from './wait';

/** OAuth2 credentials as googleapis takes them (without importing google-auth-library directly). */
type Credentials = Parameters<InstanceType<typeof google.auth.OAuth2>['setCredentials']>[0];

/**
 * Helpers for tests that talk to the emulators through the official SDKs, and a local webhook
 * receiver. Shared by the emulator tests and the provider adapter tests.
 */

/**
 * A googleapis Calendar client and its OAuth2 client, pointed at the Google emulator.
 * `transporterOptions.fetchImplementation`: gaxios 7 otherwise loads node-fetch with a dynamic
 * `import()`, which jest's CommonJS sandbox refuses ("A dynamic import callback was invoked without
 * --experimental-vm-modules"); Node's own fetch works everywhere. The OAuth2 client's transporter
 * carries the API calls too, so this one option covers token and Calendar requests.
 */
export function googleClients(
  emulator: RunningGoogleEmulator,
  credentials: Credentials = {},
  { redirectUri = 'http://127.0.0.1/oauth/google/callback' }: { redirectUri?: string } = {},
) {
  const client = emulator.clients[0];
  const auth = new google.auth.OAuth2({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri,
    transporterOptions: { fetchImplementation: fetch },
    endpoints: {
      oauth2AuthBaseUrl: emulator.endpoints.authorizeUrl,
      oauth2TokenUrl: emulator.endpoints.tokenUrl,
      oauth2RevokeUrl: emulator.endpoints.revokeUrl,
      tokenInfoUrl: emulator.endpoints.tokenInfoUrl,
    },
  });
  auth.setCredentials(credentials);
  const calendar = google.calendar({ version: 'v3', auth, rootUrl: emulator.endpoints.rootUrl });
  return { auth, calendar };
}

/**
 * A Graph SDK client for the Microsoft emulator: `customHosts` makes the SDK send the bearer token
 * to 127.0.0.1, and TLS trust comes from NODE_EXTRA_CA_CERTS (see test/support/emulator-ca.ts).
 */
export function graphClient(emulator: RunningMicrosoftEmulator, accessToken: string | (() => string | Promise<string>)): Client {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => (typeof accessToken === 'function' ? accessToken() : accessToken) },
    baseUrl: emulator.url,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(emulator.url).hostname]),
  });
}

/** Fails fast, with the fix, when this process does not trust the emulator CA. */
export async function assertEmulatorTlsTrusted(emulator: RunningMicrosoftEmulator): Promise<void> {
  try {
    await fetch(`${emulator.url}/__emulator/health`);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(
      `This process does not trust the Graph emulator's certificate (${code}). NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ?? '(unset)'} ` +
        `must name a file containing ${emulator.controls.tls.caCertPath} when the process starts: jest's global setup does that for worker ` +
        'processes; with --runInBand, export NODE_EXTRA_CA_CERTS before starting jest.',
    );
  }
}

export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Decides answers (undefined: the default — echo a Graph validationToken, else 202). */
  answer(handler: ((request: ReceivedRequest) => ReceiverAnswer | undefined) | undefined): void;
  /** Waits (bounded) for a request matching `predicate`, among those received so far or later. */
  next(predicate: (request: ReceivedRequest) => boolean, what: string, timeoutMs?: number): Promise<ReceivedRequest>;
  stop(): Promise<void>;
}

/** A local HTTP endpoint that records webhook deliveries and answers like a well-behaved app. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let handler: ((request: ReceivedRequest) => ReceiverAnswer | undefined) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://receiver'),
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(request);
      const validationToken = request.url.searchParams.get('validationToken');
      const answer: ReceiverAnswer = handler?.(request) ??
        (validationToken !== null
          ? { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: validationToken }
          : { status: 202 });
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (h) => {
      handler = h;
    },
    next: (predicate, what, timeoutMs = 5000) =>
      waitFor(
        () => {
          const found = requests.find(predicate);
          if (!found) throw new Error(`${requests.length} requests so far`);
          return found;
        },
        { timeoutMs, intervalMs: 10, what },
      ),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Follows an OAuth authorize URL like a browser that consents at once, and returns the query of
 * the redirect back to the app (`code` and `state`, or `error`).
 */
export async function authorize(authorizeUrl: string): Promise<URLSearchParams> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return new URL(location).searchParams;
}
