import { HttpError } from '../shared/http-kit';

/**
 * Google's JSON error shape (https://developers.google.com/calendar/api/guides/errors):
 * `{ error: { code, message, errors: [{ domain, reason, message, location?, locationType? }] } }`.
 * googleapis/gaxios surface it as `err.status` and `err.response.data.error.errors[0].reason`.
 */

export interface GoogleErrorDetail {
  domain?: string;
  location?: string;
  locationType?: string;
  status?: string;
  headers?: Record<string, string>;
}

export function googleError(status: number, reason: string, message: string, detail: GoogleErrorDetail = {}): HttpError {
  const item: Record<string, string> = { domain: detail.domain ?? 'global', reason, message };
  if (detail.location) item.location = detail.location;
  if (detail.locationType) item.locationType = detail.locationType;
  const error: Record<string, unknown> = { errors: [item], code: status, message };
  if (detail.status) error.status = detail.status;
  return new HttpError(status, { error }, detail.headers ?? {});
}

export const gErrors = {
  badRequest: (message = 'Bad Request') => googleError(400, 'badRequest', message),
  invalid: (message = 'Invalid Value', location?: string) =>
    googleError(400, 'invalid', message, location ? { location, locationType: 'parameter' } : {}),
  required: (message: string) => googleError(400, 'required', message),
  timeRangeEmpty: () => googleError(400, 'timeRangeEmpty', 'The specified time range is empty.', { domain: 'calendar' }),
  syncTokenRestrictions: () =>
    googleError(400, 'syncTokenWithRequestRestrictions', 'Sync token cannot be used with other request restrictions.'),
  orderByUnavailable: () => googleError(400, 'badRequest', 'The requested ordering is not available for the particular query.'),
  unauthenticated: () =>
    googleError(
      401,
      'authError',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      {
        location: 'Authorization',
        locationType: 'header',
        status: 'UNAUTHENTICATED',
        headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      },
    ),
  insufficientScopes: () =>
    googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
      status: 'PERMISSION_DENIED',
      headers: {
        'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"',
      },
    }),
  notFound: () => googleError(404, 'notFound', 'Not Found'),
  methodNotAllowed: () => googleError(405, 'httpMethodNotAllowed', 'Method Not Allowed'),
  duplicate: () => googleError(409, 'duplicate', 'The requested identifier already exists.'),
  deleted: () => googleError(410, 'deleted', 'Resource has been deleted'),
  fullSyncRequired: () =>
    googleError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', { domain: 'calendar' }),
  conditionNotMet: () =>
    googleError(412, 'conditionNotMet', 'Precondition Failed', { location: 'If-Match', locationType: 'header' }),
  rateLimit: (status: 403 | 429, reason: string, retryAfterSeconds?: number) =>
    googleError(status, reason, reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded', {
      domain: 'usageLimits',
      headers: retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {},
    }),
  backend: (status: number) =>
    googleError(status, 'backendError', status === 503 ? 'The service is currently unavailable.' : 'Backend Error'),
};
