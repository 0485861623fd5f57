import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait';

/** A calendar object as another CalDAV client sees it. */
export interface StoredObject {
  href: string;
  etag: string | null;
  data: string;
}

/**
 * A real Radicale (Debian's `radicale`) for one test file: a free loopback port, its own storage
 * and htpasswd users in a temp dir, stopped and removed afterwards. Also a deliberately plain
 * CalDAV client (fetch + Basic auth) to check what calbridge wrote, independent of its code.
 */
export class Radicale {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly process: ChildProcess,
    private users: Record<string, string>,
  ) {}

  static async start(users: Record<string, string>): Promise<Radicale> {
    const dir = mkdtempSync(join(tmpdir(), 'calbridge-radicale-'));
    const port = await freePort();
    writeUsers(dir, users);
    writeFileSync(
      join(dir, 'config'),
      [
        '[server]',
        `hosts = 127.0.0.1:${port}`,
        '[auth]',
        'type = htpasswd',
        `htpasswd_filename = ${join(dir, 'users')}`,
        'htpasswd_encryption = plain',
        'delay = 0',
        '[rights]',
        'type = owner_only',
        '[storage]',
        `filesystem_folder = ${join(dir, 'collections')}`,
        '[web]',
        'type = none',
        '[logging]',
        'level = warning',
        '',
      ].join('\n'),
    );
    const child = spawn('radicale', ['--config', join(dir, 'config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const server = new Radicale(`http://127.0.0.1:${port}`, dir, child, { ...users });
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`radicale exited (${child.exitCode}): ${stderr}`);
          await connect(port);
        },
        { timeoutMs: 15_000, intervalMs: 50, what: 'Radicale to listen' },
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Changes (or adds) a user's password; Radicale reads the htpasswd file on every login. */
  setPassword(user: string, password: string): void {
    this.users = { ...this.users, [user]: password };
    writeUsers(this.dir, this.users);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Where a calendar's objects live on disk (benchmarks seed thousands of objects without HTTP). */
  collectionDir(user: string, calendar: string): string {
    return join(this.dir, 'collections', 'collection-root', user, calendar);
  }

  /** A plain CalDAV client acting as `user`. */
  client(user: string, password = this.users[user]): CaldavTestClient {
    return new CaldavTestClient(this.url, user, password);
  }
}

export class CaldavTestClient {
  private readonly auth: string;

  constructor(
    readonly baseUrl: string,
    readonly user: string,
    password: string,
  ) {
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  calendarUrl(name: string): string {
    return `${this.baseUrl}/${this.user}/${name}/`;
  }

  async mkcalendar(name: string, displayName = name): Promise<string> {
    const url = this.calendarUrl(name);
    const res = await this.request(url, {
      method: 'MKCALENDAR',
      headers: { 'Content-Type': 'application/xml' },
      body: `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>${displayName}</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`,
    });
    if (res.status !== 201) throw new Error(`MKCALENDAR ${url}: ${res.status}`);
    return url;
  }

  /** Creates or replaces an object; returns its etag. */
  async put(calendar: string, file: string, ics: string): Promise<string | null> {
    const res = await this.request(`${this.calendarUrl(calendar)}${file}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/calendar; charset=utf-8' },
      body: ics,
    });
    if (!res.ok) throw new Error(`PUT ${file}: ${res.status} ${await res.text()}`);
    return res.headers.get('etag');
  }

  async delete(calendar: string, file: string): Promise<void> {
    const res = await this.request(`${this.calendarUrl(calendar)}${file}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404) throw new Error(`DELETE ${file}: ${res.status}`);
  }

  /** A calendar-query REPORT for every VEVENT with the given props; returns the raw multistatus. */
  async report(calendar: string, props = ''): Promise<string> {
    const res = await this.request(this.calendarUrl(calendar), {
      method: 'REPORT',
      headers: { Depth: '1', 'Content-Type': 'application/xml' },
      body: `<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>${props}</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>`,
    });
    if (res.status !== 207) throw new Error(`REPORT: ${res.status}`);
    return res.text();
  }

  /** An initial RFC 6578 sync-collection (every member's etag); returns the raw multistatus. */
  async syncCollection(calendar: string): Promise<string> {
    const res = await this.request(this.calendarUrl(calendar), {
      method: 'REPORT',
      headers: { 'Content-Type': 'application/xml' },
      body: '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>',
    });
    if (res.status !== 207) throw new Error(`REPORT sync-collection: ${res.status}`);
    return res.text();
  }

  /** Every object in a calendar, each fetched with its own GET. */
  async objects(calendar: string): Promise<StoredObject[]> {
    const res = await this.request(this.calendarUrl(calendar), {
      method: 'PROPFIND',
      headers: { Depth: '1', 'Content-Type': 'application/xml' },
      body: '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
    });
    if (res.status !== 207) throw new Error(`PROPFIND: ${res.status}`);
    const xml = await res.text();
    const hrefs = [...xml.matchAll(/<(?:\w+:)?href>([^<]+\.ics)<\/(?:\w+:)?href>/g)].map((m) => m[1]);
    const out: StoredObject[] = [];
    for (const href of hrefs) {
      const get = await this.request(new URL(href, this.baseUrl).href, { method: 'GET' });
      if (get.status === 404) continue;
      out.push({ href, etag: get.headers.get('etag'), data: await get.text() });
    }
    return out;
  }

  private request(url: string, init: RequestInit): Promise<Response> {
    return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: this.auth }, signal: AbortSignal.timeout(120_000) });
  }
}

/** One VEVENT as an iCalendar object (lines joined with CRLF). */
export function ics(...veventLines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//calbridge tests//EN', 'BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...veventLines, 'END:VEVENT', 'END:VCALENDAR', ''].join(
    '\r\n',
  );
}

/** `20260329T100000Z` from an instant. */
export function icsUtc(iso: string | Date): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Unfolded value of a property of the (first) VEVENT in an iCalendar text. */
export function icsProperty(text: string, name: string): string | undefined {
  const all = text.replace(/\r?\n[ \t]/g, '');
  const unfolded = /BEGIN:VEVENT[\s\S]*?END:VEVENT/.exec(all)?.[0] ?? all;
  return new RegExp(`^${name}(?:;[^:\\r\\n]*)?:(.*)$`, 'mi').exec(unfolded)?.[1]?.trim();
}

function writeUsers(dir: string, users: Record<string, string>): void {
  writeFileSync(join(dir, 'users'), Object.entries(users).map(([u, p]) => `${u}:${p}\n`).join(''));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function connect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', (e) => {
      socket.destroy();
      reject(e);
    });
    socket.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
  });
}
