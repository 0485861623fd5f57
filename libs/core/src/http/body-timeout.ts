import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiErrorBody } from '../errors/api-error';

const TIMEOUT_BODY: ApiErrorBody = {
  statusCode: 408,
  code: 'REQUEST_TIMEOUT',
  message: 'The request body did not arrive in time',
};

/**
 * Cuts off a request whose body has not fully arrived `timeoutMs` after the request started
 * (a slow or stalled upload would otherwise hold a connection and a parser for minutes): 408
 * REQUEST_TIMEOUT, `Connection: close`, and the socket is closed. Requests without a body are
 * not timed here (Node's headersTimeout covers the headers).
 */
export function bodyTimeout(timeoutMs: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody || req.complete) return next();
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (!res.headersSent) {
        const body = JSON.stringify(TIMEOUT_BODY);
        res.writeHead(408, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          Connection: 'close',
        });
        res.end(body, () => req.socket.destroy());
      } else {
        req.socket.destroy();
      }
    }, timeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
    res.once('finish', clear);
    next();
  };
}
