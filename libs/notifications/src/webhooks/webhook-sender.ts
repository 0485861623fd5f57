import { OutboundGuard, OutboundUnreachableError, OutboundUrlRefusedError } from '@calbridge/core';

/** What one delivery attempt came to. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, without the URL (Slack webhook URLs are credentials). */
  error: string | null;
  responseMs: number;
}

/**
 * POSTs one webhook through the outbound guard (SSRF rules, the request timeout, its keep-alive
 * connections: the answer is read to its end and discarded, so the connection is reused). A 2xx
 * is success; anything else — another status, a redirect (not followed), a refused target, a
 * server that cannot be reached or does not answer in time — is a failure to retry.
 */
export async function postWebhook(guard: Pick<OutboundGuard, 'status'>, url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  try {
    const status = await guard.status(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'calbridge-webhooks/1', ...headers },
      body,
    });
    const ok = status >= 200 && status < 300;
    return { ok, statusCode: status, error: ok ? null : `HTTP ${status}`, responseMs: elapsed() };
  } catch (error) {
    const reason =
      error instanceof OutboundUrlRefusedError
        ? `refused: ${error.message}`
        : error instanceof OutboundUnreachableError
          ? `${error.message} (or did not answer in time)`
          : error instanceof Error
            ? error.message
            : String(error);
    return { ok: false, statusCode: null, error: reason, responseMs: elapsed() };
  }
}
