import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';

import { AppConfig } from '../../app/config/app-config';
import { isAdminRequest } from './admin-routes';
import { ApiKeyVerifier } from './api-key-verifier';
import { InvalidApiKeyError, MissingApiKeyError } from './security-errors';

export const API_KEY_HEADER = 'x-api-key';

/**
 * Global guard (APP_GUARD) for /v1/**: 401 without a key, 403 with a wrong one. With no
 * ADMIN_API_KEYS configured every admin request is refused (403), so an unconfigured deployment
 * is closed rather than open.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly verifier: ApiKeyVerifier;

  constructor(config: AppConfig) {
    this.verifier = new ApiKeyVerifier(config.ADMIN_API_KEYS);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!isAdminRequest(context)) return true;
    const header = context.switchToHttp().getRequest<Request>().headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') throw new MissingApiKeyError();
    if (!this.verifier.configured)
      throw new InvalidApiKeyError('admin access is disabled: no ADMIN_API_KEYS are configured');
    if (!this.verifier.matches(key)) throw new InvalidApiKeyError();
    return true;
  }
}
