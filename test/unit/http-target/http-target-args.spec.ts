import { ValidationError } from '../../../src/scheduler';
import { parseHttpTargetArgs } from '../../../src/http-target/http-target-args';
import { AddressPolicy, rangeOf } from '../../../src/http-target/address-policy';
import { ForbiddenAddressError } from '../../../src/http-target/errors';
import { signatureHeader, verifySignature } from '../../../src/http-target/signature';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.field;
    throw e;
  }
  return undefined;
}

describe('http target args', () => {
  it('defaults to POST and keeps what was given', () => {
    expect(parseHttpTargetArgs({ url: 'https://example.com/hook?x=1', body: { a: 1 } })).toEqual({
      method: 'POST',
      url: 'https://example.com/hook?x=1',
      headers: {},
      body: { a: 1 },
    });
  });

  it.each<[unknown, string]>([
    [null, 'args'],
    [[], 'args'],
    [{ url: 'https://e.com', bogus: 1 }, 'args.bogus'],
    [{ url: 'ftp://e.com' }, 'args.url'],
    [{ url: '/relative' }, 'args.url'],
    [{ url: 'https://user:pw@e.com' }, 'args.url'],
    [{ url: `https://e.com/${'a'.repeat(2100)}` }, 'args.url'],
    [{ url: 'https://e.com', method: 'TRACE' }, 'args.method'],
    [{ url: 'https://e.com', method: 'GET', body: {} }, 'args.method'],
    [{ url: 'https://e.com', body: {}, bodyText: 'x' }, 'args.bodyText'],
    [{ url: 'https://e.com', headers: { 'bad name': 'x' } }, 'args.headers.bad name'],
    [{ url: 'https://e.com', headers: { 'X-A': 'a\r\nb: c' } }, 'args.headers.X-A'],
    [{ url: 'https://e.com', headers: { 'Idempotency-Key': 'mine' } }, 'args.headers.Idempotency-Key'],
    [{ url: 'https://e.com', headers: { Host: 'other' } }, 'args.headers.Host'],
    [{ url: 'https://e.com', timeoutSeconds: 0 }, 'args.timeoutSeconds'],
    [{ url: 'https://e.com', timeoutSeconds: 301 }, 'args.timeoutSeconds'],
    [{ url: 'https://e.com', successStatuses: [] }, 'args.successStatuses'],
    [{ url: 'https://e.com', retryStatuses: [1000] }, 'args.retryStatuses'],
  ])('refuses %j naming %s', (args, field) => {
    expect(fieldOf(() => parseHttpTargetArgs(args))).toBe(field);
  });
});

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['[::ffff:127.0.0.1]', 'loopback'],
  ])('%s is internal (%s) and refused unless allow-listed', (address, range) => {
    expect(rangeOf(address)).toBe(range);
    expect(() => new AddressPolicy([]).check('h.example', address)).toThrow(ForbiddenAddressError);
    expect(() => new AddressPolicy(['H.example.']).check('h.example', address)).not.toThrow();
  });

  it.each(['93.184.215.14', '2606:4700::1111'])('%s is public', (address) => {
    expect(() => new AddressPolicy([]).check('x', address)).not.toThrow();
  });

  it('the lookup refuses a name that resolves to loopback', async () => {
    const policy = new AddressPolicy([]);
    const err = await new Promise<unknown>((resolve) =>
      policy.lookup('localhost', {}, (e: unknown) => resolve(e)),
    );
    expect(err).toBeInstanceOf(ForbiddenAddressError);
  });
});

describe('signature', () => {
  const secret = 'a-long-enough-signing-secret-0123456789';

  it('verifies what it signs, within the tolerance only', () => {
    const header = signatureHeader(secret, 1_700_000_000, '{"a":1}');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verifySignature(secret, header, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifySignature('another-secret', header, '{"a":1}', 1_700_000_100)).toBe(false);
    expect(verifySignature(secret, header, '{"a":1}', 1_700_000_301)).toBe(false);
    expect(verifySignature(secret, undefined, '{"a":1}', 1_700_000_000)).toBe(false);
  });
});
