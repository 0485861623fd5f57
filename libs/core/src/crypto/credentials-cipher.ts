import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

export interface SealedSecret {
  /** `v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url parts. */
  sealed: string;
  keyId: string;
}

/** Short public id of a key (first 8 bytes of its SHA-256): stored next to each secret, safe to log. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * AES-256-GCM envelope for credentials at rest (calendar connections' credentials, webhook signing
 * secrets), keyed by CREDENTIALS_ENCRYPTION_KEY. The current key encrypts; earlier keys still
 * decrypt (rotation: deploy a new key with the old one in CREDENTIALS_PREVIOUS_KEYS, secrets are
 * re-sealed with the new key as they are used). The associated data binds a secret to its
 * row, so a sealed value copied onto another connection does not open.
 */
export class CredentialsCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(currentKeyBase64: string, previousKeysBase64: string[] = []) {
    const current = decodeKey(currentKeyBase64);
    this.current = { id: keyIdOf(current), key: current };
    this.keys.set(this.current.id, current);
    for (const encoded of previousKeysBase64) {
      const key = decodeKey(encoded);
      if (!this.keys.has(keyIdOf(key))) this.keys.set(keyIdOf(key), key);
    }
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, associatedData: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const parts = [FORMAT, this.current.id, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')];
    return { sealed: parts.join('.'), keyId: this.current.id };
  }

  /** Throws when the value was tampered with, belongs to another row, or was sealed with an unknown key. */
  open(sealed: string, associatedData: string): { plaintext: string; keyId: string; stale: boolean } {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new Error('Unreadable sealed credentials');
    const [, keyId, iv, tag, ciphertext] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`Credentials were sealed with an unknown key (${keyId}); is CREDENTIALS_PREVIOUS_KEYS missing a key?`);
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    return { plaintext, keyId, stale: keyId !== this.current.id };
  }
}

function decodeKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error('Encryption keys are 32 bytes, base64-encoded');
  return key;
}
