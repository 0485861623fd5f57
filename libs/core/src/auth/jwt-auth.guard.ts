import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { authConfig } from '../config/core.config';
import { ApiError } from '../errors/api-error';
import { AuthenticatedRequest, IS_PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { principalFromClaims, Role } from './principal';

/**
 * Global guard: every route needs `Authorization: Bearer <HS256 JWT>` unless marked `@Public()`.
 * Missing or invalid token -> 401; valid token with a role the route does not accept -> 403.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw ApiError.unauthorized('Missing bearer token (Authorization: Bearer <token>)');

    let claims: unknown;
    try {
      claims = await this.jwt.verifyAsync(match[1], { secret: this.config.jwtSecret, algorithms: ['HS256'] });
    } catch (error) {
      const expired = (error as { name?: string }).name === 'TokenExpiredError';
      throw ApiError.unauthorized(expired ? 'The bearer token has expired' : 'The bearer token is invalid');
    }
    const result = principalFromClaims(claims);
    if ('problem' in result) throw ApiError.unauthorized(`The bearer token's claims are unusable: ${result.problem}`);
    request.principal = result.principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(result.principal.role)) {
      throw ApiError.forbidden(`This needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
