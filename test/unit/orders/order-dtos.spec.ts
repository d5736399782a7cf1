import 'reflect-metadata';

import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

import { OrderCreatedDto, OrderPaidDto } from '../../../src/orders/dto/order-events.dto';

/** Field paths with problems, validated the way the inbound pipeline does (whitelist, forbidUnknownValues). */
async function problems(dto: new () => object, plain: unknown): Promise<string[]> {
  const errors = await validate(plainToInstance(dto, plain) as object, {
    whitelist: true,
    forbidUnknownValues: true,
  });
  const out: string[] = [];
  const walk = (list: ValidationError[], prefix: string): void => {
    for (const e of list) {
      const field = prefix ? `${prefix}.${e.property}` : e.property;
      if (e.constraints) out.push(field);
      walk(e.children ?? [], field);
    }
  };
  walk(errors, '');
  return out;
}

const created = {
  eventId: '5b0b8f0e-6d8a-4d0b-9a52-0b1c2d3e4f50',
  orderId: 'o-1',
  createdAt: '2025-02-28T10:00:00Z',
  items: [{ skuId: 'sku-1', quantity: 1 }],
};
const paid = { eventId: 'e-2', orderId: 'o-1', paidAt: '2025-02-28T10:05:00.123+01:00' };

describe('orders.created DTO', () => {
  it('accepts a valid event, with or without paymentTimeoutSeconds', async () => {
    expect(await problems(OrderCreatedDto, created)).toEqual([]);
    expect(await problems(OrderCreatedDto, { ...created, paymentTimeoutSeconds: 60 })).toEqual([]);
  });

  it.each([
    ['an impossible date', { createdAt: '2025-02-30T10:00:00Z' }, ['createdAt']],
    ['a date without offset', { createdAt: '2025-02-28T10:00:00' }, ['createdAt']],
    ['a number for a date', { createdAt: 1740736800000 }, ['createdAt']],
    ['a numeric orderId', { orderId: 42 }, ['orderId']],
    ['an empty orderId', { orderId: '' }, ['orderId']],
    ['a missing eventId', { eventId: undefined }, ['eventId']],
    ['missing items', { items: undefined }, ['items']],
    ['empty items', { items: [] }, ['items']],
    ['items not an array', { items: 'sku-1' }, ['items']],
    ['a negative quantity', { items: [{ skuId: 's', quantity: -1 }] }, ['items.0.quantity']],
    ['a zero quantity', { items: [{ skuId: 's', quantity: 0 }] }, ['items.0.quantity']],
    ['a fractional quantity', { items: [{ skuId: 's', quantity: 1.5 }] }, ['items.0.quantity']],
    ['a string quantity', { items: [{ skuId: 's', quantity: '2' }] }, ['items.0.quantity']],
    ['a missing skuId', { items: [{ quantity: 2 }] }, ['items.0.skuId']],
    ['a negative timeout', { paymentTimeoutSeconds: -5 }, ['paymentTimeoutSeconds']],
    ['a string timeout', { paymentTimeoutSeconds: '60' }, ['paymentTimeoutSeconds']],
  ])('rejects %s, naming the field', async (_label, change, fields) => {
    expect(await problems(OrderCreatedDto, { ...created, ...change })).toEqual(fields);
  });

  it('rejects an order id too long for its job id', async () => {
    expect(await problems(OrderCreatedDto, { ...created, orderId: 'x'.repeat(178) })).toEqual(['orderId']);
  });
});

describe('orders.paid DTO', () => {
  it('accepts a valid event', async () => {
    expect(await problems(OrderPaidDto, paid)).toEqual([]);
  });

  it.each([
    ['an impossible date', { paidAt: '2025-02-30T10:00:00Z' }, ['paidAt']],
    ['a 25th hour', { paidAt: '2025-02-28T25:00:00Z' }, ['paidAt']],
    ['a missing paidAt', { paidAt: undefined }, ['paidAt']],
    ['a missing orderId', { orderId: undefined }, ['orderId']],
    ['an object eventId', { eventId: { id: 1 } }, ['eventId']],
  ])('rejects %s, naming the field', async (_label, change, fields) => {
    expect(await problems(OrderPaidDto, { ...paid, ...change })).toEqual(fields);
  });
});

describe('ids of order events (one rule: src/scheduler/validation/ids.ts)', () => {
  it.each([
    ['a trailing space', 'o-1 '],
    ['a leading space', ' o-1'],
    ['a control character', 'o\u0000-1'],
    ['a lone surrogate', 'o-\udc00'],
    ['nothing', ''],
  ])('refuses an orderId or eventId with %s', async (_what, id) => {
    expect(await problems(OrderCreatedDto, { ...created, orderId: id })).toEqual(['orderId']);
    expect(await problems(OrderPaidDto, { ...paid, eventId: id })).toEqual(['eventId']);
  });

  it('accepts case and accents as they are (they are distinct ids)', async () => {
    for (const orderId of ['A', 'a', 'e', 'é', 'o-😀'])
      expect(await problems(OrderPaidDto, { ...paid, orderId })).toEqual([]);
  });
});
