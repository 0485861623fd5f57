/**
 * Content-line text of RFC 5545: TEXT escaping, parameter quoting, folding at 75 octets and the
 * UTC DATE-TIME form. Pure string functions, no I/O.
 */

/** RFC 5545 §3.1: content lines are at most 75 octets; longer ones continue on lines starting with a space. */
const MAX_OCTETS = 75;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and any line break as `\n`. */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A parameter value (RFC 5545 §3.2): quoted when it holds `:`, `;` or `,`; double quotes and
 * control characters (line breaks included) cannot be written in a parameter and are dropped.
 */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = value.replace(/["\x00-\x08\x0a-\x1f\x7f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * A URI value (URL, ORGANIZER, ATTENDEE): not TEXT-escaped, but line breaks would start a new
 * content line, so they (and other control characters) are removed.
 */
export function uriValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return value.replace(/[\x00-\x1f\x7f]/g, '');
}

/** `20260701T130000Z` (RFC 5545 §3.3.5, form #2). */
export function utcDateTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Folds every line of CRLF-separated iCalendar text, never splitting a UTF-8 sequence. (Written
 * for speed: large feeds fold thousands of lines, and most of them are short ASCII.)
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

/** One content line folded to at most 75 octets per physical line. */
export function foldLine(line: string): string {
  if (!NON_ASCII.test(line)) {
    if (line.length <= MAX_OCTETS) return line;
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

/** Undoes folding (RFC 5545 §3.1): CRLF followed by one space or tab is removed. */
export function unfold(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '');
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
