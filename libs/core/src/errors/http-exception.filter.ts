import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, ApiErrorBody } from './api-error';

const DEFAULT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  410: 'GONE',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Renders every error as `{ statusCode, code, message, details? }`; unknown errors become 500s. */
export function toErrorBody(exception: unknown): ApiErrorBody {
  if (exception instanceof ApiError) return exception.getResponse() as ApiErrorBody;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message).join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return { statusCode: status, code: DEFAULT_CODES[status] ?? `HTTP_${status}`, message };
  }
  // Express and its middleware signal client errors with http-errors objects (`status`, `expose`).
  const { status, expose, message } = (exception ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, code: DEFAULT_CODES[status] ?? `HTTP_${status}`, message: String(message ?? 'Bad request') };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Internal server error' };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (exception instanceof ApiError && body.statusCode >= 500) {
      // A failure we recognised and answered on purpose (e.g. a calendar server unreachable).
      this.logger.warn({ code: body.code, status: body.statusCode }, body.message);
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception }, 'Unhandled error while serving a request');
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }
}
