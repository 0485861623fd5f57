/** What one delivery attempt came to. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, without the URL (Slack webhook URLs are credentials). */
  error: string | null;
  responseMs: number;
}

/**
 * POSTs one webhook. A 2xx is success; anything else — another status, a redirect (never
 * followed: the target was checked, where it points was not), a timeout, a network error — is a
 * failure to retry. The response body is discarded.
 */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'calbridge-webhooks/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, responseMs: elapsed() };
  } catch (error) {
    return { ok: false, statusCode: null, error: describeFetchError(error, timeoutMs), responseMs: elapsed() };
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
