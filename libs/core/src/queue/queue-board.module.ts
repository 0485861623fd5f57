import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request, Response } from 'express';
import { principalFromClaims } from '../auth/principal';
import { authConfig } from '../config/core.config';
import { ApiError } from '../errors/api-error';
import { toErrorBody } from '../errors/http-exception.filter';
import { KnownQueues } from './known-queues';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'calbridge_queue_board';

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * `/admin/queues`: bull-board over every BullMQ queue this process knows (KnownQueues finds
 * them; no list to keep), for admins only. The admin's token comes as `Authorization: Bearer`
 * or, for a browser, once as `?token=<jwt>`: it is moved into an HttpOnly, SameSite=Strict
 * cookie limited to this path (and its lifetime) and the address bar is cleaned by a redirect.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: KnownQueues,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  /** Mounted before Nest's not-found handler (which comes after the init hooks). */
  onModuleInit(): void {
    const app = this.adapterHost.httpAdapter?.getInstance() as { use?: (...args: unknown[]) => void } | undefined;
    if (!app?.use) return;
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: this.queues.all().map((q) => new BullMQAdapter(q)), serverAdapter });
    app.use(QUEUE_BOARD_PATH, (req: Request, res: Response, next: NextFunction) => this.guard(req, res, next), serverAdapter.getRouter());
  }

  private guard(req: Request, res: Response, next: NextFunction): void {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? fromQuery ?? cookieOf(req, COOKIE);
    let claims: { exp?: number } | undefined;
    try {
      claims = token ? this.jwt.verify(token, { secret: this.auth.jwtSecret, algorithms: ['HS256'] }) : undefined;
    } catch {
      claims = undefined;
    }
    const result = claims ? principalFromClaims(claims) : null;
    if (!result || 'problem' in result) return this.refuse(res, ApiError.unauthorized('The queue board needs an admin token'));
    if (result.principal.role !== 'admin') return this.refuse(res, ApiError.forbidden('The queue board is for admins'));
    if (fromQuery && !bearer) {
      const maxAge = Math.max(0, (claims!.exp ?? 0) * 1000 - Date.now());
      res.cookie(COOKIE, fromQuery, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: QUEUE_BOARD_PATH, maxAge });
      const rest = new URLSearchParams(req.query as Record<string, string>);
      rest.delete('token');
      const query = rest.toString();
      return res.redirect(303, `${QUEUE_BOARD_PATH}${req.path === '/' ? '' : req.path}${query ? `?${query}` : ''}`);
    }
    next();
  }

  private refuse(res: Response, error: ApiError): void {
    const body = toErrorBody(error);
    res.status(body.statusCode).json(body);
  }
}

/** The queue board (api only). */
@Module({ providers: [QueueBoard] })
export class QueueBoardModule {}
