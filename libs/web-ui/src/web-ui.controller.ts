import { Public } from '@calbridge/core';
import { Controller, Get, Header, Redirect, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CSS } from './assets/app.css';
import { APP_JS } from './assets/app.js';
import { INDEX_HTML } from './assets/index.html';

/** Strict by default: only our own script, style and API; no framing by other sites. */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

function send(res: Response, type: string, body: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Security-Policy', WEB_UI_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.send(body);
}

/**
 * The web UI: one page for staff (feeds, connected calendars, blocked time, conflicts) and
 * dispatchers (open conflicts, the week's jobs). It holds no data of its own and calls the /v1 API
 * with the token the host platform hands it in the URL fragment (`/app/#token=...`).
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebUiController {
  @Get()
  @Redirect('/app/', 302)
  root(): void {}

  /** `/app` and `/app/` (Express routing is not strict about the trailing slash). */
  @Get('app')
  index(@Res() res: Response): void {
    send(res, 'text/html; charset=utf-8', INDEX_HTML);
  }

  @Get('app/app.js')
  @Header('X-Robots-Tag', 'noindex')
  script(@Res() res: Response): void {
    send(res, 'text/javascript; charset=utf-8', APP_JS);
  }

  @Get('app/app.css')
  style(@Res() res: Response): void {
    send(res, 'text/css; charset=utf-8', APP_CSS);
  }
}
