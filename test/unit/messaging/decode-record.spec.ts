import { IsString } from 'class-validator';

import { decodeRecord } from '../../../src/messaging/inbound/decode-record';
import { isStrictDateTime } from '../../../src/messaging/inbound/validators';
import { record, sample, SampleEventDto } from './fixtures';

const decode = (value: string | Buffer | null, max = 10_000) =>
  decodeRecord(record(value), SampleEventDto, max);

describe('decodeRecord', () => {
  it('returns a validated DTO instance with unknown fields stripped', async () => {
    const result = await decode(JSON.stringify(sample(1, { extra: 'x' })));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.value).toBeInstanceOf(SampleEventDto);
    expect(result.message.value).not.toHaveProperty('extra');
    expect(result.message.eventId).toBe('ev-1');
    expect(result.message).toMatchObject({ topic: 'in', partition: 0, offset: '0', key: 'k' });
  });

  it.each([
    ['no value', null, 'EMPTY_VALUE'],
    ['not JSON', '{"eventId": ', 'INVALID_JSON'],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'INVALID_JSON'],
    ['an array', '[1,2]', 'NOT_AN_OBJECT'],
    ['a string', '"hello"', 'NOT_AN_OBJECT'],
    ['missing a field', JSON.stringify({ ...sample(1), orderId: undefined }), 'VALIDATION_FAILED'],
    [
      'a wrong type',
      JSON.stringify(sample(1, { lines: [{ sku: 'a', quantity: '2' }] })),
      'VALIDATION_FAILED',
    ],
    ['an impossible date', JSON.stringify(sample(1, { at: '2030-02-31T00:00:00Z' })), 'VALIDATION_FAILED'],
    ['a date without offset', JSON.stringify(sample(1, { at: '2030-01-01T00:00:00' })), 'VALIDATION_FAILED'],
  ])('rejects %s', async (_what, value, code) => {
    const result = await decode(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('names the nested field that is wrong', async () => {
    const result = await decode(JSON.stringify(sample(1, { lines: [{ sku: 'a', quantity: 0 }] })));
    expect(result).toMatchObject({ ok: false, fields: ['lines.0.quantity'] });
  });

  it('rejects a value larger than the limit before parsing it', async () => {
    const result = await decode(JSON.stringify(sample(1, { pad: 'x'.repeat(2000) })), 1024);
    expect(result).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LARGE' });
  });

  it('takes the eventId from the x-event-id header, or derives a stable one', async () => {
    const body = JSON.stringify({ ...sample(1), eventId: undefined });
    class Loose {
      @IsString()
      orderId!: string;
    }
    const withHeader = await decodeRecord(
      { ...record(body), headers: { 'x-event-id': 'h-1' } },
      Loose,
      10_000,
    );
    expect(withHeader.ok && withHeader.message.eventId).toBe('h-1');
    const a = await decodeRecord(record(body, 7), Loose, 10_000);
    const b = await decodeRecord(record(body, 7), Loose, 10_000);
    const c = await decodeRecord(record(body, 8), Loose, 10_000);
    expect(a.ok && a.message.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.ok && a.message.eventId).toBe(b.ok && b.message.eventId);
    expect(a.ok && a.message.eventId).not.toBe(c.ok && c.message.eventId);
  });

  it('isStrictDateTime accepts real instants with offsets only', () => {
    expect(isStrictDateTime('2024-02-29T23:59:59.123+05:30')).toBe(true);
    expect(isStrictDateTime('2023-02-29T00:00:00Z')).toBe(false);
    expect(isStrictDateTime('2023-01-01T24:30:00Z')).toBe(false);
    expect(isStrictDateTime('2023-01-01')).toBe(false);
    expect(isStrictDateTime(1700000000)).toBe(false);
  });

  describe('JSON depth (checked on the raw text before parsing)', () => {
    const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

    it('accepts a value nested exactly 20 levels and dead-letters 21, 40 and 100,000', async () => {
      const at = async (depth: number) =>
        decodeRecord(
          record(JSON.stringify(sample(1)).replace(/}$/, `,"deep":${nested(depth - 1)}}`)),
          SampleEventDto,
          1_000_000,
        );
      expect((await at(20)).ok).toBe(true);
      for (const depth of [21, 40, 100_000]) {
        const result = await at(depth);
        expect(result).toMatchObject({ ok: false, code: 'JSON_TOO_DEEP' });
        if (!result.ok) expect(result.error).toContain(`${depth} levels`);
      }
    });

    it('ignores brackets inside strings, escaped quotes included', async () => {
      const tricky = JSON.stringify(sample(1, { note: `"${'['.repeat(50)}` }));
      expect((await decode(tricky)).ok).toBe(true);
    });

    it('takes its limit from the caller', async () => {
      const result = await decodeRecord(record(JSON.stringify(sample(1))), SampleEventDto, 10_000, 2);
      expect(result).toMatchObject({ ok: false, code: 'JSON_TOO_DEEP' });
    });
  });
});
