import { foldLines } from './fold-lines';

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
