import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the web build, held in memory (the whole build is a few hundred kB). */
export interface WebFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Finds `dist/web` (the output of `npm run build:web`) from wherever this code runs: the
 * source tree under ts-node/jest, or dist/apps/api/... after `nest build`.
 */
export function findWebBuild(start: string = __dirname): string | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Every file of the build by its path relative to the build root ("assets/app-1a2b.js"). */
export function loadWebBuild(root: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const body = readFileSync(path);
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 512;
      const etag = `"${body.length.toString(36)}-${hash(body)}"`;
      files.set(relative(root, path).split(sep).join('/'), { body, gzip: compressible ? gzipSync(body, { level: 9 }) : null, type, etag });
    }
  };
  walk(root);
  return files;
}

function hash(buf: Buffer): string {
  let h = 2166136261;
  for (let i = 0; i < buf.length; i++) h = Math.imul(h ^ buf[i], 16777619);
  return (h >>> 0).toString(36);
}
