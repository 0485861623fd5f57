import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { freePort } from '../../support/free-port';
import { waitFor } from '../../support/wait';

/**
 * Servers of the fault suite's own, so that restarting them hurts nobody else on the machine:
 * a Postgres cluster (initdb in a temporary directory, Debian's binaries under
 * /usr/lib/postgresql/<version>/bin) and a redis-server, each on a free loopback port.
 */

/** Debian's Postgres binaries (the newest version installed); null when there are none. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` user. */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  databaseUrl(name: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('The fault suite needs Postgres server binaries (Debian: postgresql) for a private cluster');
    const dir = mkdtempSync(join(tmpdir(), 'calbridge-faults-pg-'));
    chmodSync(dir, 0o700);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, uid, gid);
    }
    const [cmd, args] = asPostgres(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    execFileSync(cmd, args, { stdio: 'ignore' });
    const server = new PrivatePostgres(await freePort(), dir, bin);
    await server.startServer();
    return server;
  }

  private async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c jit=off`;
    const [cmd, args] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
    execFileSync(cmd, args, { stdio: 'ignore' });
    await waitFor(
      async () => {
        const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
        try {
          await client.connect();
          await client.query('SELECT 1');
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { what: 'the private Postgres to answer', timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  /** `pg_ctl restart -m fast`: every connection is cut, the server is back a moment later. */
  async restart(): Promise<void> {
    const [cmd, args] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', '-t', '60', 'stop']);
    execFileSync(cmd, args, { stdio: 'ignore' });
    await this.startServer();
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.databaseUrl(name);
  }

  async stop(): Promise<void> {
    try {
      const [cmd, args] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      // already down
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A redis-server with an append-only file fsynced on every write: a restart keeps every queue. */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'calbridge-faults-redis-')));
    await server.startServer();
    return server;
  }

  private async startServer(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    await waitFor(
      async () => {
        const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
        try {
          await redis.connect();
          await redis.ping();
        } finally {
          redis.disconnect();
        }
      },
      { what: 'the private Redis to answer', timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  /** SIGTERM (Redis writes and closes its append-only file), then the same server again on the same port. */
  async restart(): Promise<void> {
    await this.kill('SIGTERM');
    await this.startServer();
  }

  private async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
