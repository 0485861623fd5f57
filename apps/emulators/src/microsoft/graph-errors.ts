import { HttpError } from '../shared/http-kit';
import { uuid } from '../shared/ids';

/**
 * Microsoft Graph's error shape (https://learn.microsoft.com/graph/errors):
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 * The Graph SDK surfaces it as a GraphError with `statusCode`, `code` and `headers`.
 */

export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpError {
  const requestId = uuid();
  return new HttpError(
    status,
    {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
    headers,
  );
}

export const mErrors = {
  badRequest: (message: string, code = 'BadRequest') => graphError(400, code, message),
  invalidRequest: (message: string) => graphError(400, 'ErrorInvalidRequest', message),
  unauthenticated: (message = 'Access token has expired or is not yet valid.') =>
    graphError(401, 'InvalidAuthenticationToken', message, {
      'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
    }),
  accessDenied: () => graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  notFound: () => graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
  resourceNotFound: (message = 'The object was not found.') => graphError(404, 'ResourceNotFound', message),
  segmentNotFound: (segment: string) => graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: () => graphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  preconditionFailed: () =>
    graphError(412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.'),
  syncStateGone: (status: number, code: string, location?: string) =>
    graphError(status, code, 'The sync state generation is not found. The delta token is expired and data must be synchronized again.', location ? { location } : {}),
  throttled: (retryAfterSeconds: number) =>
    graphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'retry-after': String(retryAfterSeconds) }),
  server: (status: number) =>
    status === 503
      ? graphError(503, 'ServiceNotAvailable', 'The service is temporarily unavailable. Please try again later.', { 'retry-after': '1' })
      : status === 504
        ? graphError(504, 'GatewayTimeout', 'The gateway did not receive a timely response.')
        : graphError(status, 'InternalServerError', 'An internal server error occurred.'),
  /** Subscription errors come wrapped this way from the change-notification service. */
  subscription: (status: number, reason: string, operation = 'Create') =>
    graphError(status, 'ExtensionError', `Operation: ${operation}; Exception: [Status Code: ${status === 400 ? 'BadRequest' : status}; Reason: ${reason}]`),
  validationFailed: (detail: string) =>
    graphError(400, 'ValidationError', `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (${detail})`),
};
