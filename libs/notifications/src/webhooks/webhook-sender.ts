import { OutboundUnreachableError, OutboundUrlRefusedError } from '@calbridge/core';

/** What one delivery attempt came to. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, without the URL (Slack webhook URLs are credentials). */
  error: string | null;
  responseMs: number;
}

/**
 * POSTs one webhook through the outbound guard's `fetch` (SSRF rules, the request timeout). A
 * 2xx is success; anything else — another status, a redirect (not followed), a refused target,
 * a server that cannot be reached or does not answer in time — is a failure to retry. The
 * response body is read and discarded (up to {@link MAX_DRAINED_BYTES}: a connection whose
 * answer was read to its end goes back to the keep-alive pool; one cut short is closed).
 */
export async function postWebhook(
  guardedFetch: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  try {
    const response = await guardedFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'calbridge-webhooks/1', ...headers },
      body,
      redirect: 'manual',
    });
    await drain(response);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, responseMs: elapsed() };
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

/** Answers longer than this are not read to their end (the connection is closed instead). */
const MAX_DRAINED_BYTES = 64 * 1024;

async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    let read = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > MAX_DRAINED_BYTES) {
        await reader.cancel().catch(() => undefined);
        return;
      }
    }
  } catch {
    // The status is what counts; a body cut off is no failure.
  }
}
