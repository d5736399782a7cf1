import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { ApiKeyGuard } from '../../../src/admin/security/api-key.guard';
import { ApiKeyVerifier } from '../../../src/admin/security/api-key-verifier';
import { Public } from '../../../src/admin/security/public-route';
import { InvalidApiKeyError, MissingApiKeyError } from '../../../src/admin/security/security-errors';
import { AppConfig } from '../../../src/app/config/app-config';

const KEYS = ['first-key-0123456789', 'second-key-0123456789'];

class OpenController {
  @Public()
  open(): void {}
}

@Public()
class OpenClass {
  anything(): void {}
}

class ClosedController {
  closed(): void {}
}

/** A request routed to `handler` of `cls`; the path is there to show it is never consulted. */
function httpContext(
  cls: new () => object,
  handler: string,
  headers: Record<string, string | string[]> = {},
  path = '/health/live',
): ExecutionContext {
  const req = { path, url: path, headers };
  return {
    getType: () => 'http',
    getClass: () => cls,
    getHandler: () => (cls.prototype as Record<string, unknown>)[handler],
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}), getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

function guard(keys: string[]): ApiKeyGuard {
  const config = new AppConfig();
  config.admin.apiKeys = keys;
  return new ApiKeyGuard(config, new Reflector());
}

describe('ApiKeyVerifier', () => {
  it('matches any configured key exactly, whatever the presented length', () => {
    const v = new ApiKeyVerifier(KEYS);
    expect(v.matches(KEYS[0])).toBe(true);
    expect(v.matches(KEYS[1])).toBe(true);
    expect(v.matches(KEYS[0].slice(0, -1))).toBe(false);
    expect(v.matches(`${KEYS[0]}x`)).toBe(false);
    expect(v.matches('')).toBe(false);
    expect(v.matches('x'.repeat(10_000))).toBe(false);
  });

  it('is unconfigured with no keys, and then matches nothing', () => {
    const v = new ApiKeyVerifier([]);
    expect(v.configured).toBe(false);
    expect(v.matches('')).toBe(false);
  });
});

describe('ApiKeyGuard', () => {
  it('lets a handler or controller marked @Public() through without a key', () => {
    expect(guard(KEYS).canActivate(httpContext(OpenController, 'open'))).toBe(true);
    expect(guard(KEYS).canActivate(httpContext(OpenClass, 'anything'))).toBe(true);
  });

  it('decides by route metadata, not by path: an unmarked handler needs a key whatever the path', () => {
    for (const path of ['/health/live', '/metrics', '/docs', '/V1/jobs', '/anything'])
      expect(() => guard(KEYS).canActivate(httpContext(ClosedController, 'closed', {}, path))).toThrow(
        MissingApiKeyError,
      );
  });

  it('401 without a key, 403 with a wrong one, through with a right one', () => {
    const closed = (headers: Record<string, string> = {}) => httpContext(ClosedController, 'closed', headers);
    expect(() => guard(KEYS).canActivate(closed())).toThrow(MissingApiKeyError);
    expect(() => guard(KEYS).canActivate(closed({ 'x-api-key': '' }))).toThrow(MissingApiKeyError);
    expect(() => guard(KEYS).canActivate(closed({ 'x-api-key': 'wrong' }))).toThrow(InvalidApiKeyError);
    expect(guard(KEYS).canActivate(closed({ 'x-api-key': KEYS[1] }))).toBe(true);
  });

  it('refuses every protected request when no keys are configured', () => {
    expect(() =>
      guard([]).canActivate(httpContext(ClosedController, 'closed', { 'x-api-key': 'anything' })),
    ).toThrow(/no ADMIN_API_KEYS/);
  });
});
