import { escapeText, foldLines, paramValue, uriValue, utcDateTime } from './text';

const unfold = (text: string) => text.replace(/\r\n /g, '');

describe('foldLines', () => {
  it('leaves short lines alone', () => {
    expect(foldLines('SUMMARY:short\r\nEND:VEVENT\r\n')).toBe('SUMMARY:short\r\nEND:VEVENT\r\n');
  });

  it('folds long ASCII and UTF-8 lines to at most 75 octets without splitting a character', () => {
    const long = `DESCRIPTION:${'Ärger über Öl – naïve café 😀 '.repeat(20)}`;
    const ascii = `LOCATION:${'x'.repeat(300)}`;
    const folded = foldLines(`${long}\r\n${ascii}\r\n`);
    for (const line of folded.split('\r\n')) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
    }
    expect(unfold(folded)).toBe(`${long}\r\n${ascii}\r\n`);
    // Continuation lines start with one space and carry at most 74 octets of content.
    expect(folded.split('\r\n').filter((l) => l.startsWith(' ')).length).toBeGreaterThan(5);
  });
});

describe('escapeText, paramValue, uriValue', () => {
  it('escapes TEXT so that no value can start a content line or split a list', () => {
    expect(escapeText('a\\b;c,d\r\ne\rf\ng')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
  });

  it('quotes parameter values that hold separators and drops what a parameter cannot hold', () => {
    expect(paramValue('Anna Becker')).toBe('Anna Becker');
    expect(paramValue('Becker, Anna')).toBe('"Becker, Anna"');
    expect(paramValue('Evil"\r\nATTENDEE:x')).toBe('"EvilATTENDEE:x"');
  });

  it('keeps URIs on one line', () => {
    expect(uriValue('https://x.example/a\r\nBEGIN:VALARM')).toBe('https://x.example/aBEGIN:VALARM');
  });

  it('writes UTC DATE-TIMEs', () => {
    expect(utcDateTime(new Date('2026-07-01T13:05:09.123Z'))).toBe('20260701T130509Z');
  });
});
