import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Fastify attaches hooks to its routes only when it is ready: listen() gets there itself, but an
 * app only initialised (a test serving through supertest) would answer without them. Nest has
 * registered every route and error handler by the time it bootstraps.
 */
@Injectable()
export class HttpServerReady implements OnApplicationBootstrap {
  constructor(private readonly host: HttpAdapterHost) {}

  async onApplicationBootstrap(): Promise<void> {
    const instance = this.host.httpAdapter?.getInstance() as
      | { ready?: () => PromiseLike<unknown> }
      | undefined;
    if (typeof instance?.ready === 'function') await instance.ready();
  }
}
