import { randomBytes } from 'node:crypto';
import { CredentialsCipher, keyIdOf } from './credentials-cipher';

const newKey = () => randomBytes(32).toString('base64');

describe('CredentialsCipher (AES-256-GCM)', () => {
  const key = newKey();
  const cipher = new CredentialsCipher(key);

  it('round-trips and never contains the plaintext', () => {
    const { sealed, keyId } = cipher.seal('{"appPassword":"abcd-efgh-ijkl-mnop"}', 'conn-1');
    expect(sealed).not.toContain('abcd');
    expect(keyId).toBe(keyIdOf(Buffer.from(key, 'base64')));
    expect(cipher.open(sealed, 'conn-1')).toEqual({ plaintext: '{"appPassword":"abcd-efgh-ijkl-mnop"}', keyId, stale: false });
  });

  it('uses a fresh IV every time', () => {
    expect(cipher.seal('same', 'a').sealed).not.toBe(cipher.seal('same', 'a').sealed);
  });

  it('refuses a secret moved to another row (associated data)', () => {
    const { sealed } = cipher.seal('secret', 'conn-1');
    expect(() => cipher.open(sealed, 'conn-2')).toThrow();
  });

  it('refuses tampered ciphertext', () => {
    const { sealed } = cipher.seal('secret', 'conn-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    parts[4] = body.toString('base64url');
    expect(() => cipher.open(parts.join('.'), 'conn-1')).toThrow();
  });

  it('opens secrets sealed with a previous key and reports them stale (rotation)', () => {
    const old = new CredentialsCipher(key);
    const { sealed } = old.seal('secret', 'conn-1');
    const rotated = new CredentialsCipher(newKey(), [key]);
    const opened = rotated.open(sealed, 'conn-1');
    expect(opened).toMatchObject({ plaintext: 'secret', stale: true });
    expect(rotated.seal('secret', 'conn-1').keyId).toBe(rotated.currentKeyId);
  });

  it('names the missing key when a previous key is not configured', () => {
    const { sealed } = cipher.seal('secret', 'conn-1');
    expect(() => new CredentialsCipher(newKey()).open(sealed, 'conn-1')).toThrow(/unknown key/);
  });
});
