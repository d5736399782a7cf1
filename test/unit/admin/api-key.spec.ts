import type { ExecutionContext } from '@nestjs/common';

import { ApiKeyGuard } from '../../../src/admin/security/api-key.guard';
import { ApiKeyVerifier } from '../../../src/admin/security/api-key-verifier';
import { InvalidApiKeyError, MissingApiKeyError } from '../../../src/admin/security/security-errors';
import { AppConfig } from '../../../src/app/config/app-config';

const KEYS = ['first-key-0123456789', 'second-key-0123456789'];

function httpContext(path: string, headers: Record<string, string | string[]> = {}): ExecutionContext {
  const req = { path, url: path, headers };
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}), getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

function guard(keys: string[]): ApiKeyGuard {
  return new ApiKeyGuard(Object.assign(new AppConfig(), { ADMIN_API_KEYS: keys }));
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
  it('lets non-admin paths through without a key', () => {
    for (const path of ['/health/live', '/metrics', '/docs', '/docs-json', '/v1x'])
      expect(guard(KEYS).canActivate(httpContext(path))).toBe(true);
  });

  it('401 without a key, 403 with a wrong one, through with a right one', () => {
    expect(() => guard(KEYS).canActivate(httpContext('/v1/jobs'))).toThrow(MissingApiKeyError);
    expect(() => guard(KEYS).canActivate(httpContext('/v1/jobs', { 'x-api-key': '' }))).toThrow(
      MissingApiKeyError,
    );
    expect(() => guard(KEYS).canActivate(httpContext('/v1/jobs', { 'x-api-key': 'wrong' }))).toThrow(
      InvalidApiKeyError,
    );
    expect(guard(KEYS).canActivate(httpContext('/v1/events/x', { 'x-api-key': KEYS[1] }))).toBe(true);
  });

  it('refuses every admin request when no keys are configured', () => {
    expect(() => guard([]).canActivate(httpContext('/v1/jobs', { 'x-api-key': 'anything' }))).toThrow(
      /no ADMIN_API_KEYS/,
    );
  });
});
