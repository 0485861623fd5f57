import { randomBytes, randomUUID } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import type { feedConfig } from '../ical-feed.config';
import { parseFeedToken } from './feed-token';
import { feedTokenKey, FeedTokenService } from './feed-token.service';

describe('FeedTokenService.verify', () => {
  const service = new FeedTokenService({ signingSecret: 'test-secret-test-secret-test-secret' } as ConfigType<typeof feedConfig>);
  const staffId = randomUUID();
  const salt = randomBytes(16);
  const token = service.sign({ staffId, venueId: randomUUID(), salt, expiresAt: 1_900_000_000 });
  const claims = parseFeedToken(token)!;
  const key = feedTokenKey(staffId, token);

  it('accepts the salt it was signed for, remembered or not, the same buffer or an equal one', () => {
    expect(service.verify(staffId, key, claims, salt)).toBe(true);
    expect(service.verify(staffId, key, claims, salt)).toBe(true); // remembered: identity
    expect(service.verify(staffId, key, claims, Buffer.from(salt))).toBe(true); // the head read again
    expect(service.verify(staffId, key, claims, Buffer.from(salt))).toBe(true);
  });

  it('refuses another salt (rotated), no feed, and another staff member, remembered or not', () => {
    expect(service.verify(staffId, key, claims, salt)).toBe(true);
    expect(service.verify(staffId, key, claims, randomBytes(16))).toBe(false);
    expect(service.verify(staffId, key, claims, null)).toBe(false);
    const other = randomUUID();
    expect(service.verify(other, feedTokenKey(other, token), claims, salt)).toBe(false);
    // Refused once the salt changed, it needs the HMAC again (the memo entry is gone).
    expect(service.verify(staffId, key, claims, salt)).toBe(true);
  });
});
