import { cleanText, oneLine, redactedClientName } from './client-name';

describe('redactedClientName', () => {
  it('shows the first name and the initial of the last name only', () => {
    expect(redactedClientName('Sarah', 'Johnson')).toBe('Sarah J.');
    expect(redactedClientName('Sarah', 'J')).toBe('Sarah J.');
    expect(redactedClientName('  Mary  Ann ', ' van der Berg')).toBe('Mary Ann V.');
    expect(redactedClientName('Özlem', 'çelik')).toBe('Özlem Ç.');
    expect(redactedClientName('Tom', "'O'Neil")).toBe('Tom O.');
  });

  it('never contains the surname beyond its initial', () => {
    const shown = redactedClientName('Sarah', 'Johnson-Smythe')!;
    expect(shown).not.toMatch(/ohnson|Smythe/);
  });

  it('copes with missing parts', () => {
    expect(redactedClientName('Sarah', '')).toBe('Sarah');
    expect(redactedClientName('', 'Johnson')).toBe('J.');
    expect(redactedClientName(null, null)).toBeNull();
    expect(redactedClientName(' ', ' ')).toBeNull();
  });

  it('cuts absurdly long first names and strips control characters', () => {
    expect(Array.from(redactedClientName('A'.repeat(500), 'B')!).length).toBe(43);
    expect(redactedClientName('Sa\u0000rah\n', 'Jo')).toBe('Sarah J.');
  });
});

describe('text cleaning', () => {
  it('normalises newlines and drops control characters but tabs', () => {
    expect(cleanText('a\r\nb\rc\u0007\td')).toBe('a\nb\nc\td');
    expect(oneLine('  a \n b\t c ')).toBe('a b c');
  });
});
