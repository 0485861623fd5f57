/** If-None-Match (weak comparison, RFC 9110 §13.1.2): true when it names either representation's ETag, or is `*`. */
export function noneMatch(header: string | string[] | undefined, etag: string, gzipEtag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === etag || value === gzipEtag) return true;
  for (const raw of value.split(',')) {
    const tag = raw.trim().replace(/^W\//, '');
    if (tag === '*' || tag === etag || tag === gzipEtag) return true;
  }
  return false;
}
