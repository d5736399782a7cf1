import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { AppConfig } from '../../app/config/app-config';
import { ApiKeyVerifier } from './api-key-verifier';
import { isPublicRoute } from './public-route';
import { InvalidApiKeyError, MissingApiKeyError } from './security-errors';

export const API_KEY_HEADER = 'x-api-key';

/**
 * Global guard (APP_GUARD): every route needs a key unless its handler or controller is marked
 * @Public(). 401 without a key, 403 with a wrong one. With no ADMIN_API_KEYS configured every
 * protected request is refused (403), so an unconfigured deployment is closed rather than open.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly verifier: ApiKeyVerifier;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.verifier = new ApiKeyVerifier(config.admin.apiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(this.reflector, context)) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') throw new MissingApiKeyError();
    if (!this.verifier.configured)
      throw new InvalidApiKeyError('admin access is disabled: no ADMIN_API_KEYS are configured');
    if (!this.verifier.matches(key)) throw new InvalidApiKeyError();
    return true;
  }
}
