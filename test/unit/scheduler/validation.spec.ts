import fc from 'fast-check';
import { ValidationError } from '../../../src/scheduler/errors';
import {
  assertJsonDepth,
  assertJsonSize,
  assertValidId,
  idProblem,
  jsonTextDepth,
  jsonValueDepth,
} from '../../../src/scheduler/validation';

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

describe('JSON bounds', () => {
  it('text depth equals the parsed depth for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(jsonTextDepth(text)).toBe(jsonValueDepth(JSON.parse(text)));
      }),
    );
  });

  it('ignores brackets inside strings, including escaped quotes', () => {
    expect(jsonTextDepth('{"a":"[[[{\\"{{"}')).toBe(1);
    expect(jsonTextDepth('"[[["')).toBe(0);
  });

  it('measures 100,000 levels without recursion', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonTextDepth(text)).toBe(100_000);
    expect(jsonValueDepth(JSON.parse(text), 25)).toBe(26);
  });

  it('accepts 20 levels and refuses 21, naming the field', () => {
    expect(() => assertJsonDepth(nested(20), 'action.args')).not.toThrow();
    const err = (() => {
      try {
        assertJsonDepth(nested(21), 'action.args');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('action.args');
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(() => assertJsonSize('é'.repeat(10), 'v', 22)).not.toThrow(); // 20 bytes + 2 quotes
    expect(() => assertJsonSize('é'.repeat(11), 'v', 22)).toThrow(ValidationError);
  });
});

describe('id rule', () => {
  it.each([
    ['', 'must not be empty'],
    ['x ', 'whitespace'],
    [' x', 'whitespace'],
    ['x\u00a0', 'whitespace'],
    ['a\u0000b', 'control'],
    ['a\nb', 'control'],
    ['a\u0085b', 'control'],
    ['a\ud800b', 'surrogate'],
    ['a\udc00', 'surrogate'],
    ['x'.repeat(192), 'at most'],
  ])('refuses %j', (id, why) => {
    expect(idProblem(id, 191)).toContain(why);
    expect(() => assertValidId(id, 'jobId', 191)).toThrow(ValidationError);
  });

  it.each(['order-1', 'a b', 'ü-😀-中', 'x'.repeat(191)])('accepts %j', (id) => {
    expect(idProblem(id, 191)).toBeUndefined();
  });
});
