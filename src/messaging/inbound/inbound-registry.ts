import { InboundRouteError } from '../errors';
import type { InboundRoute } from './inbound-message';

/**
 * Where domain modules register their inbound topics. They register in onModuleInit; the consumer
 * subscribes to every registered topic in onApplicationBootstrap, so nothing registered later is heard.
 */
export class InboundRegistry {
  private readonly routes = new Map<string, InboundRoute<object>>();
  private sealed = false;

  register<T extends object>(route: InboundRoute<T>): void {
    if (this.sealed)
      throw new InboundRouteError(`inbound routes are fixed once consuming started (${route.topic})`);
    if (typeof route.topic !== 'string' || route.topic === '')
      throw new InboundRouteError('an inbound route needs a topic');
    if (this.routes.has(route.topic))
      throw new InboundRouteError(`topic '${route.topic}' already has an inbound route`);
    // Variance: the pipeline only hands a route instances of its own dto.
    this.routes.set(route.topic, route as unknown as InboundRoute<object>);
  }

  get(topic: string): InboundRoute<object> | undefined {
    return this.routes.get(topic);
  }

  topics(): string[] {
    return [...this.routes.keys()];
  }

  /** Called when consuming starts. */
  seal(): void {
    this.sealed = true;
  }
}
