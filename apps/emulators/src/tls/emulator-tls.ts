import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A local certificate authority for the emulators, made with `openssl` the first time it is needed
 * and kept in a deterministic directory, so a process started with
 * `NODE_EXTRA_CA_CERTS=<dir>/ca.pem` keeps trusting emulators that start later (Node reads that
 * variable only at process start). Creation is atomic (build in a temporary directory, rename):
 * parallel test workers all end up with the same CA.
 */

export interface EmulatorCa {
  dir: string;
  /** The file to put in NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  caCertPem: string;
}

export interface ServerCertificate {
  cert: string;
  key: string;
  hostnames: string[];
}

export interface EmulatorTlsOptions {
  /** Where the CA lives; default `<os tmpdir>/calbridge-emulators-tls-<user>` (`npm run emulators`: EMULATOR_TLS_DIR). */
  dir?: string;
  /** Names the server certificate must cover besides localhost, 127.0.0.1 and ::1. */
  hostnames?: string[];
}

const DEFAULT_NAMES = ['localhost', '127.0.0.1', '::1'];
const DAY_MS = 86_400_000;

export function defaultTlsDir(): string {
  let user = 'user';
  try {
    user = userInfo().username.replace(/[^a-zA-Z0-9_-]/g, '') || String(process.getuid?.() ?? 'user');
  } catch {
    user = String(process.getuid?.() ?? 'user');
  }
  return join(tmpdir(), `calbridge-emulators-tls-${user}`);
}

/** Creates the CA (and a server certificate for localhost) unless a valid one exists. */
export function ensureEmulatorCa(dir: string = defaultTlsDir()): EmulatorCa {
  if (!isUsable(dir)) create(dir);
  const caCertPath = join(dir, 'ca.pem');
  return { dir, caCertPath, caCertPem: readFileSync(caCertPath, 'utf8') };
}

/** A server certificate signed by the emulator CA, covering localhost and `extraHostnames`. */
export function serverCertificate(options: EmulatorTlsOptions = {}): ServerCertificate & { ca: EmulatorCa } {
  const ca = ensureEmulatorCa(options.dir);
  const extra = (options.hostnames ?? []).filter((h) => h && !DEFAULT_NAMES.includes(h));
  if (extra.length === 0) {
    return {
      ca,
      cert: readFileSync(join(ca.dir, 'server.pem'), 'utf8'),
      key: readFileSync(join(ca.dir, 'server-key.pem'), 'utf8'),
      hostnames: DEFAULT_NAMES,
    };
  }
  const work = mkdtempSync(join(tmpdir(), 'calbridge-emulator-cert-'));
  try {
    const names = [...DEFAULT_NAMES, ...extra];
    issueServerCert(ca.dir, work, names);
    return {
      ca,
      cert: readFileSync(join(work, 'server.pem'), 'utf8'),
      key: readFileSync(join(work, 'server-key.pem'), 'utf8'),
      hostnames: names,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The file to put in NODE_EXTRA_CA_CERTS so a process trusts the emulator CA: `ca.pem`, or — when
 * the process already has NODE_EXTRA_CA_CERTS (a corporate CA, say) — a bundle of both, kept
 * next to the CA (one variable, one file: Node reads a single path).
 */
export function extraCaCertsFile(existing: string | undefined, dir: string = defaultTlsDir()): string {
  const ca = ensureEmulatorCa(dir);
  if (!existing || existing === ca.caCertPath) return ca.caCertPath;
  const current = existsSync(existing) ? readFileSync(existing, 'utf8') : '';
  if (current.includes(ca.caCertPem.trim())) return existing;
  const bundle = join(ca.dir, `bundle-${createHash('sha256').update(existing).digest('hex').slice(0, 12)}.pem`);
  const temp = `${bundle}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${current.trim()}\n${ca.caCertPem}`);
  renameSync(temp, bundle);
  return bundle;
}

function isUsable(dir: string): boolean {
  const files = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) return false;
  try {
    const soon = Date.now() + DAY_MS;
    const ca = new X509Certificate(readFileSync(files[0]));
    const server = new X509Certificate(readFileSync(files[2]));
    return Date.parse(ca.validTo) > soon && Date.parse(server.validTo) > soon && server.checkIssued(ca);
  } catch {
    return false;
  }
}

function create(dir: string): void {
  const work = mkdtempSync(join(dirname(dir), `.calbridge-emulators-tls-tmp-`));
  try {
    openssl(work, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '3650',
      '-subj', '/CN=calbridge emulators local CA (development only)',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    issueServerCert(work, work, DEFAULT_NAMES);
    chmodSync(join(work, 'ca-key.pem'), 0o600);
    if (existsSync(dir) && !isUsable(dir)) {
      // A broken or expired CA: move it aside (atomically) rather than delete under a reader.
      try {
        renameSync(dir, `${dir}.old-${randomBytes(4).toString('hex')}`);
      } catch {
        // another process replaced it first
      }
    }
    try {
      renameSync(work, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
      // Another process won the race: use its CA.
    }
  } finally {
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
  if (!isUsable(dir)) throw new Error(`Could not create the emulator CA in ${dir}`);
}

function issueServerCert(caDir: string, outDir: string, names: string[]): void {
  const san = names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(
    join(outDir, 'server-ext.cnf'),
    [
      `subjectAltName=${san}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(outDir, [
    'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost',
  ]);
  openssl(outDir, [
    'x509', '-req', '-in', 'server.csr', '-CA', join(caDir, 'ca.pem'), '-CAkey', join(caDir, 'ca-key.pem'),
    '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '825',
    '-extfile', 'server-ext.cnf', '-out', 'server.pem',
  ]);
  chmodSync(join(outDir, 'server-key.pem'), 0o600);
  rmSync(join(outDir, 'server.csr'), { force: true });
  rmSync(join(outDir, 'server-ext.cnf'), { force: true });
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') {
      throw new Error('The Graph emulator needs TLS and makes its certificate with `openssl`, which is not on PATH.');
    }
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
}
