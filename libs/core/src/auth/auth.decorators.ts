import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error';
import type { Principal, Role } from './principal';

export const IS_PUBLIC_KEY = 'calbridge:public';
export const ROLES_KEY = 'calbridge:roles';

/** The route needs no bearer token (feeds, OAuth callbacks, webhooks, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Only these roles may call the route (checked by the auth guard, 403 otherwise). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

export type AuthenticatedRequest = Request & { principal?: Principal };

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw ApiError.unauthorized();
  return principal;
});
