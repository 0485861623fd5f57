/** An API answer that was not 2xx, with the server's stable code and details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Messages a person understands, by code, where the server's own text is not for end users. */
const FRIENDLY: Record<string, string> = {
  NETWORK: 'Could not connect to the server. Check your connection and try again.',
  UNAUTHORIZED: 'Your session has ended. Open calbridge again from your scheduling platform.',
  FORBIDDEN: 'You are not allowed to do that.',
  VERSION_MISMATCH: 'Someone else changed this job in the meantime; the latest version has been loaded.',
  CALDAV_AUTH_FAILED:
    'The calendar server refused the user name or password. For iCloud, use an app-specific password (not your Apple ID password).',
  INTERNAL: 'Something went wrong on the server. Try again in a moment.',
  REMOTE_URL_REQUIRED: 'Enter the meeting link (https://…), or choose Google Meet or Microsoft Teams.',
  REMOTE_URL_NOT_ALLOWED: "Google Meet and Teams links are created by the staff member's calendar; leave the link out.",
};

/** The text to show for any failure: never "TypeError" or "Failed to fetch". */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'CALDAV_AUTH_FAILED' && error.message) return `${FRIENDLY.CALDAV_AUTH_FAILED} (${error.message})`;
    if (['NETWORK', 'UNAUTHORIZED', 'VERSION_MISMATCH', 'REMOTE_URL_REQUIRED', 'REMOTE_URL_NOT_ALLOWED'].includes(error.code)) return FRIENDLY[error.code];
    if (error.status >= 500) return FRIENDLY.INTERNAL;
    if (error.message) return error.message;
    return FRIENDLY[error.code] ?? `The request failed (${error.status}).`;
  }
  if (error instanceof TypeError) return FRIENDLY.NETWORK;
  if (error instanceof Error && error.name === 'AbortError') return 'The request was cancelled.';
  return 'Something went wrong. Try again.';
}

/** Builds the ApiError for a response body (JSON error object, or anything else). */
export function toApiError(status: number, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as { code?: unknown; message?: unknown; details?: unknown };
  const code = typeof b.code === 'string' ? b.code : status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status >= 500 ? 'INTERNAL' : `HTTP_${status}`;
  const message = Array.isArray(b.message) ? b.message.join('; ') : typeof b.message === 'string' ? b.message : '';
  const details = b.details && typeof b.details === 'object' ? (b.details as Record<string, unknown>) : {};
  return new ApiError(status, code, message, details);
}
