import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  /** Upper case, e.g. GET. */
  method: string;
  /** As registered, e.g. /v1/jobs/:id. */
  pattern: string;
}

const tables = new WeakMap<FastifyInstance, RouteTable>();

/**
 * Every route the server holds, as registered (Nest's controllers, Swagger, CORS), collected as
 * Fastify adds them: the router itself offers no list. HEAD routes Fastify adds for each GET are
 * left out: the GET route answers HEAD, and the tests probe HEAD for every GET route.
 */
export class RouteTable {
  private readonly entries: RouteEntry[] = [];

  private constructor(fastify: FastifyInstance) {
    fastify.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      // HEAD last: it is left out when the same route answers GET.
      for (const method of [...methods.filter((m) => m !== 'HEAD'), ...methods.filter((m) => m === 'HEAD')]) {
        if (method === 'HEAD' && this.has('GET', route.url)) continue;
        this.entries.push({ method, pattern: route.url });
      }
    });
  }

  /** The table of `fastify`, collecting from now on (call it before any route is added). */
  static of(fastify: FastifyInstance): RouteTable {
    let table = tables.get(fastify);
    if (!table) tables.set(fastify, (table = new RouteTable(fastify)));
    return table;
  }

  routes(): readonly RouteEntry[] {
    return this.entries;
  }

  private has(method: string, pattern: string): boolean {
    return this.entries.some((e) => e.method === method && e.pattern === pattern);
  }
}
