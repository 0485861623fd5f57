/** RFC 5545 §3.1: content lines are at most 75 octets; longer ones continue on lines starting with a space. */
const MAX_OCTETS = 75;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Folds every line of CRLF-separated iCalendar text, never splitting a UTF-8 sequence. (Same
 * result class as ical-generator's folding, which encodes each character separately and is the
 * slowest step of rendering large calendars.)
 */
export function foldLines(text: string): string {
  const lines = text.split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > MAX_OCTETS || (NON_ASCII.test(line) && Buffer.byteLength(line) > MAX_OCTETS)) {
      lines[i] = foldLine(line);
    }
  }
  return lines.join('\r\n');
}

function foldLine(line: string): string {
  if (!NON_ASCII.test(line)) {
    const parts = [line.slice(0, MAX_OCTETS)];
    for (let at = MAX_OCTETS; at < line.length; at += MAX_OCTETS - 1) parts.push(line.slice(at, at + MAX_OCTETS - 1));
    return parts.join('\r\n ');
  }
  let out = '';
  let octets = 0;
  for (const ch of line) {
    const size = utf8Length(ch.codePointAt(0)!);
    if (octets + size > MAX_OCTETS) {
      out += '\r\n ';
      octets = 1;
    }
    out += ch;
    octets += size;
  }
  return out;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
