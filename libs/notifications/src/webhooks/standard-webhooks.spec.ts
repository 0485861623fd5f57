import { createHmac } from 'node:crypto';
import { generateWebhookSecret, standardWebhookHeaders } from './standard-webhooks';

describe('Standard Webhooks signing', () => {
  it('signs id.timestamp.body with the key behind whsec_', () => {
    // The example of the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    const headers = standardWebhookHeaders(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body);
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('makes 32-byte random secrets', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
    const sig = standardWebhookHeaders(a, 'm', 1, 'b')['webhook-signature'];
    expect(sig).toBe(`v1,${createHmac('sha256', Buffer.from(a.slice(6), 'base64')).update('m.1.b').digest('base64')}`);
  });
});
