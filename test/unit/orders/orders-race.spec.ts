import { createOrdersHarness, created, paid, START, TOPICS, type OrdersHarness } from './orders-harness';

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('orders: payment landing at the timeout instant (memory store, fake clock)', () => {
  let h: OrdersHarness;

  afterEach(async () => {
    await h?.stop();
  });

  it('for each of 300 orders exactly one of "paid, no cancel" or "cancel + restock, then late-payment"', async () => {
    const N = 300;
    // Runs that take a few event-loop turns keep jobs leased while payments arrive.
    h = createOrdersHarness({
      wrap: (handler) => async (ctx) => {
        await turns(Number(ctx.jobId.split('-').pop()) % 7);
        await handler(ctx);
      },
    });
    const ids = Array.from({ length: N }, (_, i) => `race-${i}`);
    await h.scheduler.start();
    await h.service.handleCreated(ids.map((id) => created(id, { paymentTimeoutSeconds: 60 })));
    await h.clock.advanceAsync(59_000);
    const due = new Date(START.getTime() + 60_000);

    const firing = h.clock.advanceAsync(1_000);
    const chunks = Array.from({ length: 30 }, (_, c) => ids.slice(c * 10, c * 10 + 10));
    const paying = Promise.all(
      chunks.map(async (chunk, c) => {
        await turns(c * 4);
        await h.service.handlePaid(chunk.map((id) => paid(id, due)));
      }),
    );
    await Promise.all([firing, paying]);
    await h.clock.advanceAsync(5_000);

    const byOrder = async (topic: string): Promise<Map<string, number>> => {
      const counts = new Map<string, number>();
      for (const e of await h.outbox(topic))
        counts.set(e.key as string, (counts.get(e.key as string) ?? 0) + 1);
      return counts;
    };
    const cancels = await byOrder(TOPICS.cancel);
    const restocks = await byOrder(TOPICS.restock);
    const lates = await byOrder(TOPICS.latePayment);
    let removed = 0;
    let late = 0;
    let paidWhileFiring = 0;
    for (const id of ids) {
      const status = await h.orders.getStatus(id);
      const seen = [cancels.get(id) ?? 0, restocks.get(id) ?? 0, lates.get(id) ?? 0];
      if (status === 'paid') {
        expect({ id, seen }).toEqual({ id, seen: [0, 0, 0] });
        removed++;
        // Paid while its run was in flight: the run committed, its guard let nothing out.
        if ((await h.store.getRunHistory(`order-timeout:${id}`, 1)).length > 0) paidWhileFiring++;
      } else {
        expect({ id, status, seen }).toEqual({ id, status: 'late_paid', seen: [1, 1, 1] });
        late++;
      }
      expect(await h.job(id)).toBeNull();
    }
    expect(removed + late).toBe(N);
    expect(h.service.stats.paid.paid).toBe(removed);
    expect(h.service.stats.paid.late).toBe(late);
    // The interleavings really happened: both outcomes, and payments that met a run in flight.
    expect(removed).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(0);
    expect(paidWhileFiring).toBeGreaterThan(0);
    console.info(`race: ${removed} paid in time (${paidWhileFiring} while firing), ${late} late`);
  });
});
